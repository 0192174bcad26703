import { describe, expect, it } from 'vitest';
import type { Robot } from '@/features/robots/documents';
import { answerParts, draftOf, robotInput } from '@/features/robots/logic';

const stored: Robot = {
  id: '7', kind: 'DINGTALK', name: '华东群', urlHint: 'oapi.dingtalk.com …9f3c', hasSecret: true,
  celebrations: ['MILESTONE', 'DEAL_WON'], locale: 'ZH_CN', active: true, lastSentAt: null, failed: 0, lastError: '',
};

describe('robot drafts', () => {
  it('a new robot sends its URL, clientId, an empty secret and the kinds in a fixed order', () => {
    const draft = { ...draftOf(null, 'en', 'c-1'), kind: 'DINGTALK' as const, url: ' https://oapi.dingtalk.com/robot/send?access_token=x ' };
    expect(robotInput(draft)).toEqual({
      clientId: 'c-1', kind: 'DINGTALK', name: '', url: 'https://oapi.dingtalk.com/robot/send?access_token=x', secret: '',
      celebrations: ['DEAL_WON', 'MILESTONE', 'BADGE', 'CONTEST'], locale: 'EN', active: true,
    });
  });

  it('an edit leaves out a blank URL and secret, so the server keeps them', () => {
    const input = robotInput(draftOf(stored, 'zh-CN', 'c-2'));
    expect(input).toEqual({ id: '7', kind: 'DINGTALK', name: '华东群', celebrations: ['DEAL_WON', 'MILESTONE'], locale: 'ZH_CN', active: true });
  });

  it('an edit can replace or remove the secret; other platforms never send one', () => {
    expect(robotInput({ ...draftOf(stored, 'en', 'c'), secret: 'SECnew' }).secret).toBe('SECnew');
    expect(robotInput({ ...draftOf(stored, 'en', 'c'), clearSecret: true }).secret).toBe('');
    expect('secret' in robotInput({ ...draftOf(null, 'en', 'c'), kind: 'SLACK', secret: 'x' })).toBe(false);
  });
});

describe('answers', () => {
  it('name the errcode only when the robot refused', () => {
    expect(answerParts({ delivered: false, status: 200, code: 93000, message: 'invalid webhook url' })).toEqual({ ok: false, status: 'HTTP 200 · errcode 93000', said: 'invalid webhook url' });
    expect(answerParts({ delivered: true, status: 200, code: 0, message: 'ok' }).status).toBe('HTTP 200');
    expect(answerParts({ delivered: false, status: null, code: null, message: 'ConnectError' }).status).toBe('');
  });
});
