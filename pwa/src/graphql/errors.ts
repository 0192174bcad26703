import { GraphQLRequestError, NetworkError } from '@/graphql/client';
import type { ErrorCode, FieldError } from '@/graphql/types';
import { t, type MessageKey } from '@/i18n';

const CODES: readonly ErrorCode[] = [
  'REQUIRED',
  'INVALID',
  'OUT_OF_RANGE',
  'TOO_LONG',
  'IN_FUTURE',
  'TOO_OLD',
  'NOT_FOUND',
  'FORBIDDEN',
  'INVALID_CREDENTIALS',
  'RATE_LIMITED',
  'UNAUTHENTICATED',
  'TOO_PRECISE',
  'CONFLICT',
  'CLOSED',
  'MISMATCH',
  'LOCKED',
  'DISPUTED',
  'NOT_ENDED',
  'STALE',
  'OVERLAP',
  'TOO_EARLY',
  'CHECKED_OUT',
  'DECIDED',
  'NOT_FLAGGED',
  'TOO_MANY',
  'TOO_LARGE',
  'DUPLICATE',
  'INSUFFICIENT',
  'OUT_OF_STOCK',
  'RETIRED',
  'INVALID_TEXT',
  'EXPIRED',
  'REVOKED',
  'USED',
  'WEAK_PASSWORD',
  'ALREADY_SET_UP',
  'CYCLE',
  'NOT_EMPTY',
  'MISSING_SCOPE',
  'INTERNAL',
];

export function codeMessageKey(code: string): MessageKey {
  return (CODES as readonly string[]).includes(code) ? (`error.${code}` as MessageKey) : 'error.unknown';
}

/** The server's localized message, or ours for the code when it sent none. */
export function fieldErrorMessage(error: Pick<FieldError, 'code' | 'message'>): string {
  return error.message?.trim() || t(codeMessageKey(error.code));
}

/** `input.note` and `note` both name the note field. */
export function fieldName(error: Pick<FieldError, 'field'>): string | null {
  if (!error.field) return null;
  const parts = error.field.split('.');
  return parts[parts.length - 1] || null;
}

/** A thrown request failure as one line for the user. */
export function failureMessage(error: unknown): string {
  if (error instanceof NetworkError) return t('error.network');
  if (error instanceof GraphQLRequestError) {
    const code = error.codes[0];
    if (code) return t(codeMessageKey(code));
  }
  return t('error.unknown');
}
