import { badRequest } from './errors';

const NAME = /^[a-z0-9]([a-z0-9._-]{0,62})$/i;
const TAG_KEY = /^[a-z0-9_.-]{1,63}$/i;
const TAG_VALUE = /^[^\s,=]{0,128}$/;

/** Host, group and user names: safe in selectors, URLs, file names and shell words. */
export function checkName(kind: string, value: string): string {
  if (!NAME.test(value)) {
    throw badRequest(
      'INVALID_NAME',
      `invalid ${kind} name '${printable(value)}': use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return value;
}

export function parseTag(text: string): [string, string] {
  const eq = text.indexOf('=');
  const key = eq < 0 ? text : text.slice(0, eq);
  const value = eq < 0 ? '' : text.slice(eq + 1);
  if (!TAG_KEY.test(key) || !TAG_VALUE.test(value)) {
    throw badRequest('INVALID_TAG', `invalid tag '${printable(text)}': expected key=value without spaces or commas`);
  }
  return [key, value];
}

/** Shows user input in an error message without letting it smuggle control characters. */
export function printable(value: string, max = 80): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
