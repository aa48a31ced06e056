import { Body, Controller, Get, HttpCode, NotFoundException, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { JsonBodyValidator } from '@tessera/service-kit';
import type { Source } from './source';
import { SourceRepository } from './source-repository';
import { CREATE_SOURCE_SCHEMA, UPDATE_SOURCE_SCHEMA, type CreateSourceBody, type UpdateSourceBody } from './sources-admin.schemas';
import { WriteKeyAuthenticator } from './write-key-authenticator';
import { generateWriteKey, writeKeyDigest } from './write-key';

const createBody = new JsonBodyValidator<CreateSourceBody>(CREATE_SOURCE_SCHEMA, { allErrors: false });
const updateBody = new JsonBodyValidator<UpdateSourceBody>(UPDATE_SOURCE_SCHEMA, { allErrors: false });

/**
 * Sources and write keys. A write key is shown exactly once, in the answer to create or rotate-key; only its
 * SHA-256 digest is stored.
 */
@ApiTags('admin: sources')
@Controller('v1/sources')
export class SourcesAdminController {
  constructor(
    private readonly sources: SourceRepository,
    private readonly authenticator: WriteKeyAuthenticator,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a source; the answer holds its write key, shown only this once' })
  async create(@Body() body: unknown): Promise<{ source: Source; writeKey: string }> {
    const input = createBody.parse(body);
    const writeKey = generateWriteKey();
    const source = await this.sources.create(input.name, writeKeyDigest(writeKey), input.rateLimit ?? null);
    return { source, writeKey };
  }

  @Get()
  @ApiOperation({ summary: 'List sources (never their keys)' })
  async list(): Promise<{ sources: Source[] }> {
    return { sources: await this.sources.list() };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<Source> {
    return this.found(id, await this.sources.find(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename, enable or disable a source, or set (null: clear) its rate-limit override' })
  async update(@Param('id') id: string, @Body() body: unknown): Promise<Source> {
    const source = this.found(id, await this.sources.update(id, updateBody.parse(body)));
    this.authenticator.forgetSource(id);
    return source;
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a source: its write key gets 401 from now on (other instances: within the cache TTL)' })
  async disable(@Param('id') id: string): Promise<Source> {
    const source = this.found(id, await this.sources.update(id, { enabled: false }));
    this.authenticator.forgetSource(id);
    return source;
  }

  @Post(':id/enable')
  @HttpCode(200)
  async enable(@Param('id') id: string): Promise<Source> {
    const source = this.found(id, await this.sources.update(id, { enabled: true }));
    this.authenticator.forgetSource(id);
    return source;
  }

  @Post(':id/rotate-key')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the write key; the old one stops working; the new one is shown only this once' })
  async rotateKey(@Param('id') id: string): Promise<{ source: Source; writeKey: string }> {
    const writeKey = generateWriteKey();
    const replaced = await this.sources.replaceKey(id, writeKeyDigest(writeKey));
    if (!replaced) throw new NotFoundException(`no source with id "${id}"`);
    this.authenticator.forgetKey(replaced.previousDigest);
    return { source: replaced.source, writeKey };
  }

  private found(id: string, source: Source | undefined): Source {
    if (!source) throw new NotFoundException(`no source with id "${id}"`);
    return source;
  }
}
