/**
 * The kinds of configuration value and their rules: each parses one variable's text into its
 * typed value, or throws a ConfigError naming the variable, and says in words what it accepts
 * (the README's "Allowed" column, config-table.ts). Variables are declared with them in
 * config-schema.ts.
 */
import path from 'node:path';
import { readFileSync, statSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { parseAllowList } from '../common/ip-addresses.ts';
import { ConfigError } from './config-error.ts';

export interface ParseContext {
  /** Relative paths are resolved from here. */
  readonly cwd: string;
}

export interface Rule<T> {
  /** The values it accepts, in words. */
  readonly allowed: string;
  /** Integer rules: the smallest and largest value accepted (config.test.ts tries one past each). */
  readonly bounds?: { readonly min: number; readonly max: number };
  /** Parses a trimmed, non-empty value; throws ConfigError naming `name`. */
  parse(value: string, name: string, context: ParseContext): T;
}

export function integer(min: number, max: number): Rule<number> {
  return {
    allowed: `${min} to ${max}`,
    bounds: { min, max },
    parse(value, name) {
      if (!/^-?\d+$/.test(value)) throw new ConfigError(name, `must be a whole number, got "${value}"`);
      const parsed = Number(value);
      if (parsed < min || parsed > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${parsed}`);
      return parsed;
    },
  };
}

/** A share: above 0, at most 1. */
export function fraction(): Rule<number> {
  return {
    allowed: 'above 0, at most 1',
    parse(value, name) {
      const parsed = Number(value);
      if (!/^\d*\.?\d+$/.test(value) || !(parsed > 0 && parsed <= 1)) throw new ConfigError(name, `must be a number above 0 and at most 1, got "${value}"`);
      return parsed;
    },
  };
}

export function boolean(): Rule<boolean> {
  return {
    allowed: 'true or false (1 or 0)',
    parse(value, name) {
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      throw new ConfigError(name, `must be true or false, got "${value}"`);
    },
  };
}

export function oneOf<T extends string>(choices: readonly T[]): Rule<T> {
  const isChoice = (value: string): value is T => (choices as readonly string[]).includes(value);
  return {
    allowed: choices.join(', '),
    parse(value, name) {
      if (!isChoice(value)) throw new ConfigError(name, `must be one of ${choices.join(', ')}, got "${value}"`);
      return value;
    },
  };
}

/** Any text; `allowed` says what it should be. */
export function text(allowed: string): Rule<string> {
  return { allowed, parse: (value) => value };
}

/** A path, resolved from the working directory. */
export function filePath(): Rule<string> {
  return { allowed: 'a path', parse: (value, _name, { cwd }) => path.resolve(cwd, value) };
}

/** Comma-separated CIDRs or single addresses, as canonical CIDRs. */
export function cidrList(): Rule<readonly string[]> {
  return {
    allowed: 'comma-separated CIDRs or addresses',
    parse(value, name) {
      try {
        return parseAllowList(value).map((c) => c.text);
      } catch (error) {
        throw new ConfigError(name, (error as Error).message);
      }
    },
  };
}

/** The value as a URL; `refusal` is the message when it is none. */
export function urlOf(value: string, name: string, refusal: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new ConfigError(name, refusal);
  }
}

export function httpUrl(): Rule<string> {
  return {
    allowed: 'an http or https URL',
    parse(value, name) {
      const url = urlOf(value, name, `must be an absolute URL, got "${value}"`);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, 'must be an http or https URL');
      return value;
    },
  };
}

/** Never echoes the value: a connection string usually contains a password. */
export function postgresUrl(): Rule<string> {
  return {
    allowed: 'postgresql://user:password@host:port/database',
    parse(value, name) {
      const url = urlOf(value, name, 'is not a valid URL (expected postgresql://user:password@host:port/database)');
      if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
        throw new ConfigError(name, `must start with postgresql:// (got ${url.protocol}//)`);
      }
      if (url.pathname.length <= 1) throw new ConfigError(name, 'must name a database (postgresql://host/DATABASE)');
      return value;
    },
  };
}

/** Largest PEM file read at start-up: a bundle of a few hundred certificates. */
const MAX_PEM_FILE_BYTES = 1 << 20;

/**
 * The path of a PEM bundle whose every certificate parses (a typo would otherwise fail every
 * https connection later); the value is the certificates' PEM text.
 */
export function pemCertificatesFile(): Rule<string> {
  return {
    allowed: `the path of a PEM file of certificates (at most ${MAX_PEM_FILE_BYTES} bytes)`,
    parse(value, name, { cwd }) {
      const file = path.resolve(cwd, value);
      let pem: string;
      try {
        if (statSync(file).size > MAX_PEM_FILE_BYTES) throw new ConfigError(name, `${file} is larger than ${MAX_PEM_FILE_BYTES} bytes`);
        pem = readFileSync(file, 'utf8');
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        throw new ConfigError(name, `cannot read ${file}: ${(error as Error).message}`);
      }
      const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
      if (blocks.length === 0) throw new ConfigError(name, `${file} holds no PEM certificate`);
      for (const block of blocks) {
        try {
          new X509Certificate(block);
        } catch {
          throw new ConfigError(name, `${file} holds a certificate that does not parse`);
        }
      }
      return blocks.join('\n');
    },
  };
}
