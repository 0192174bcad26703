import { describe, expect, it } from 'vitest';
import { NetworkError } from '@/graphql/client';
import { failureMessage, fieldErrorMessage, fieldName } from '@/graphql/errors';
import { setUiLocale } from '@/i18n';

describe('error messages', () => {
  it('prefer the server’s localized message', () => {
    expect(fieldErrorMessage({ code: 'TOO_LONG', message: '备注过长' })).toBe('备注过长');
  });

  it('fall back to the UI’s own words for the code', () => {
    setUiLocale('zh-CN');
    expect(fieldErrorMessage({ code: 'INVALID_CREDENTIALS', message: '' })).toBe('邮箱或密码错误。');
    setUiLocale('en');
    expect(fieldErrorMessage({ code: 'RATE_LIMITED', message: '  ' })).toMatch(/Too many attempts/);
    expect(failureMessage(new NetworkError())).toMatch(/Couldn’t reach the server/);
    expect(failureMessage(new Error('?'))).toBe('Something went wrong. Try again.');
  });

  it('name fields by their last segment', () => {
    expect(fieldName({ field: 'input.note' })).toBe('note');
    expect(fieldName({ field: 'customerId' })).toBe('customerId');
    expect(fieldName({ field: null })).toBeNull();
  });
});
