import { describe, expect, it } from 'vitest';
import { capProgress, greetingKey } from '@/features/home/home';

describe('home', () => {
  it('fills the daily cap bar, never past full', () => {
    expect(capProgress({ visitPointsToday: 30, dailyCap: 120 })).toBe(0.25);
    expect(capProgress({ visitPointsToday: 150, dailyCap: 120 })).toBe(1);
    expect(capProgress({ visitPointsToday: 10, dailyCap: 0 })).toBe(0);
  });

  it('greets by the time of day', () => {
    expect(greetingKey(8)).toBe('home.greetingMorning');
    expect(greetingKey(13)).toBe('home.greetingAfternoon');
    expect(greetingKey(20)).toBe('home.greetingEvening');
  });
});
