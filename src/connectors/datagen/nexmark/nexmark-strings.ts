/**
 * @module connectors/datagen/nexmark/nexmark-strings
 * The string columns of Nexmark events: random words, padding (`extra`), people's details, bid
 * channels and URLs. Invariant: every string is a function of the seed and the PRNG draws alone.
 */
import { Xoshiro128 } from './xoshiro128.ts';

/** Random text is cut from pools built once per generator: a substring is a cheap slice in V8. */
const POOL_LENGTH = 1 << 16;
const MIN_STRING_LENGTH = 3;
/** One character in this many of a "word" string is a space, as in the reference generator. */
const SPACE_ONE_IN = 13;

const FIRST_NAMES = [
  'Ada',
  'Boris',
  'Chloe',
  'Dmitri',
  'Elena',
  'Farid',
  'Greta',
  'Hiro',
  'Imani',
  'Jonas',
  'Kira',
];
const LAST_NAMES = [
  'Abbott',
  'Brandt',
  'Castillo',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Hayes',
  'Ivanova',
];
/** The states the Nexmark queries filter on (q3 keeps OR, ID and CA): keep this set. */
const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const US_CITIES = [
  'Tucson',
  'Fresno',
  'Oakland',
  'Sacramento',
  'Boise',
  'Eugene',
  'Salem',
  'Spokane',
  'Tacoma',
  'Casper',
];

/** Bids come through a hot channel 1 − 1/HOT_CHANNELS_RATIO of the time, else one of CHANNELS_NUMBER. */
const HOT_CHANNELS_RATIO = 2;
const CHANNELS_NUMBER = 10_000;
/** Queries (q21) recognise these four by name; the others carry `channel_id=` in their URL. */
const HOT_CHANNELS = ['Apple', 'Google', 'Facebook', 'Baidu'];

export class NexmarkStrings {
  private readonly random: Xoshiro128;
  private readonly seed: number;
  /** Lower-case letters only. */
  private readonly letters: string;
  /** Lower-case letters and, one in SPACE_ONE_IN, spaces. */
  private readonly words: string;
  private readonly names: string[] = [];
  private readonly hotUrls: string[] = [];
  private readonly coldChannels: (string | undefined)[] = new Array(CHANNELS_NUMBER).fill(undefined);
  private readonly coldUrls: (string | undefined)[] = new Array(CHANNELS_NUMBER).fill(undefined);
  /** Set by `nextChannel`, read right after it: saves allocating a pair per bid. */
  url = '';

  constructor(random: Xoshiro128, seed: number) {
    this.random = random;
    this.seed = seed;
    const poolRandom = new Xoshiro128(seed ^ 0x5bd1e995);
    this.letters = randomPool(poolRandom, 0);
    this.words = randomPool(poolRandom, SPACE_ONE_IN);
    for (const first of FIRST_NAMES) for (const last of LAST_NAMES) this.names.push(`${first} ${last}`);
    const urlRandom = new Xoshiro128(seed ^ 0x27d4eb2f);
    for (let i = 0; i < HOT_CHANNELS.length; i++) this.hotUrls.push(baseUrl(urlRandom));
  }

  /** Text of 3 to maxLength − 1 characters, with occasional spaces, trimmed. */
  nextString(maxLength: number): string {
    const length = MIN_STRING_LENGTH + this.random.nextInt(maxLength - MIN_STRING_LENGTH);
    const start = this.random.nextInt(POOL_LENGTH - length);
    const s = this.words.substring(start, start + length);
    return s.charCodeAt(0) === 32 || s.charCodeAt(s.length - 1) === 32 ? s.trim() : s;
  }

  /** Exactly `length` random letters. */
  nextExactString(length: number): string {
    if (length <= POOL_LENGTH) {
      const start = this.random.nextInt(POOL_LENGTH - length + 1);
      return this.letters.substring(start, start + length);
    }
    let s = '';
    while (s.length < length) s += this.nextExactString(Math.min(POOL_LENGTH, length - s.length));
    return s;
  }

  /**
   * Padding such that `currentSize + result.length` averages `averageSize`: uniform within ±20% of
   * the missing size, empty when the event is already large enough.
   */
  nextExtra(currentSize: number, averageSize: number): string {
    if (currentSize > averageSize) return '';
    const desired = averageSize - currentSize;
    const delta = Math.round(desired * 0.2);
    const size = desired - delta + (delta === 0 ? 0 : this.random.nextInt(2 * delta));
    return this.nextExactString(size);
  }

  nextPersonName(): string {
    return this.names[this.random.nextInt(this.names.length)];
  }

  nextEmail(): string {
    return `${this.nextString(7)}@${this.nextString(5)}.com`;
  }

  /** Four space-separated groups of four digits. */
  nextCreditCard(): string {
    const r = this.random;
    return `${pad4(r.nextInt(10000))} ${pad4(r.nextInt(10000))} ${pad4(r.nextInt(10000))} ${pad4(r.nextInt(10000))}`;
  }

  nextCity(): string {
    return US_CITIES[this.random.nextInt(US_CITIES.length)];
  }

  nextState(): string {
    return US_STATES[this.random.nextInt(US_STATES.length)];
  }

  /** Returns a bid's channel and leaves its URL in `this.url`. */
  nextChannel(): string {
    const r = this.random;
    if (r.nextInt(HOT_CHANNELS_RATIO) > 0) {
      const i = r.nextInt(HOT_CHANNELS.length);
      this.url = this.hotUrls[i];
      return HOT_CHANNELS[i];
    }
    const n = r.nextInt(CHANNELS_NUMBER);
    let channel = this.coldChannels[n];
    if (channel === undefined) channel = this.makeColdChannel(n);
    this.url = this.coldUrls[n]!;
    return channel;
  }

  /** A cold channel's name and URL depend only on the seed and its number, not on draw order. */
  private makeColdChannel(n: number): string {
    const random = new Xoshiro128(this.seed * 31 + n + 1);
    let url = baseUrl(random);
    // Nine channels in ten identify themselves in the URL; the rest can only be told by name.
    if (random.nextInt(10) > 0) url += `&channel_id=${Math.imul(n + 1, 0x9e3779b1) >>> 0}`;
    const channel = `channel-${n}`;
    this.coldChannels[n] = channel;
    this.coldUrls[n] = url;
    return channel;
  }
}

function randomPool(random: Xoshiro128, spaceOneIn: number): string {
  const codes = new Uint8Array(POOL_LENGTH);
  for (let i = 0; i < POOL_LENGTH; i++) {
    codes[i] = spaceOneIn > 0 && random.nextInt(spaceOneIn) === 0 ? 32 : 97 + random.nextInt(26);
  }
  // Decoding yields one flat sequential string, so substrings are cheap slices of it.
  return new TextDecoder('latin1').decode(codes);
}

/** `https://www.nexmark.com/<dir>/<dir>/<dir>/item.htm?query=1`, each dir 3–4 of [a-z_]. */
function baseUrl(random: Xoshiro128): string {
  return `https://www.nexmark.com/${urlDir(random)}/${urlDir(random)}/${urlDir(random)}/item.htm?query=1`;
}

function urlDir(random: Xoshiro128): string {
  const length = MIN_STRING_LENGTH + random.nextInt(2);
  let s = '';
  for (let i = 0; i < length; i++) {
    s += random.nextInt(SPACE_ONE_IN) === 0 ? '_' : String.fromCharCode(97 + random.nextInt(26));
  }
  return s;
}

function pad4(n: number): string {
  return n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : `${n}`;
}
