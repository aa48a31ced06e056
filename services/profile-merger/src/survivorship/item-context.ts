import type { CampaignTouch } from './profile-state';

export type JsonObject = Record<string, unknown>;

export function parseJsonObject(text: string | null | undefined): JsonObject | null {
  if (!text) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

const UTM_KEYS = ['source', 'medium', 'name', 'term', 'content'] as const;
type UtmKey = (typeof UTM_KEYS)[number];

function utmFromPage(context: JsonObject): Partial<Record<UtmKey, string>> {
  const page = isObject(context.page) ? context.page : null;
  const raw = text(page?.search) ?? text(page?.url);
  if (!raw) return {};
  const query = raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : raw.replace(/^\?/, '');
  const params = new URLSearchParams(query.split('#')[0]);
  const out: Partial<Record<UtmKey, string>> = {};
  for (const key of UTM_KEYS) {
    const value = text(params.get(key === 'name' ? 'utm_campaign' : `utm_${key}`));
    if (value) out[key] = value;
  }
  return out;
}

/** Segment's `context.campaign` (name/source/medium/term/content), else utm_* of the page URL; null when neither. */
export function campaignTouch(
  context: JsonObject | null,
  item: { sourceId: string; messageId: string },
  occurredAt: number,
): CampaignTouch | null {
  if (!context) return null;
  const campaign = isObject(context.campaign) ? context.campaign : {};
  const fromPage = utmFromPage(context);
  const pick = (key: UtmKey): string | null => text(campaign[key]) ?? fromPage[key] ?? null;
  const touch: CampaignTouch = {
    sourceId: item.sourceId,
    messageId: item.messageId,
    occurredAt,
    source: pick('source'),
    medium: pick('medium'),
    name: pick('name'),
    term: pick('term'),
    content: pick('content'),
  };
  return UTM_KEYS.some((key) => touch[key] !== null) ? touch : null;
}

/** Segment consent: `context.consent.categoryPreferences` = { category: boolean }. */
export function consentPreferences(context: JsonObject | null): Array<[string, boolean]> {
  const consent = context && isObject(context.consent) ? context.consent : null;
  const preferences = consent && isObject(consent.categoryPreferences) ? consent.categoryPreferences : null;
  if (!preferences) return [];
  return Object.entries(preferences).filter((entry): entry is [string, boolean] => typeof entry[1] === 'boolean');
}

/** A money amount in integer millionths; null when absent or not a finite number. */
export function toMicros(value: unknown): number | null {
  const amount = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return null;
  return Math.round(amount * 1_000_000);
}

export function textOrNull(value: unknown): string | null {
  return text(value);
}
