// Run by run-ts.spec.ts through tools/run-ts.js: prints what the transform must keep working.
import 'reflect-metadata';
import { SERVICE_CATALOG } from '@tessera/config';

const Injectable = (): ClassDecorator => () => undefined;

class Clock {}

@Injectable()
class Greeter {
  constructor(readonly clock: Clock) {}
}

const stackLine = new Error('where').stack?.split('\n')[1] ?? '';
process.stdout.write(
  JSON.stringify({
    parameterTypes: (Reflect.getMetadata('design:paramtypes', Greeter) as unknown[]).map((type) => (type as { name: string }).name),
    aliasResolved: Object.keys(SERVICE_CATALOG).length > 0,
    stackLine,
    typescriptLoaded: Object.keys(require.cache).some((file) => file.includes('/node_modules/typescript/')),
    argv: process.argv.slice(2),
  }),
);
