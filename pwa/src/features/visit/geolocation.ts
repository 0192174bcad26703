import { locationProblem, type Fix, type LocationProblem } from '@/features/visit/logic';

const OPTIONS: PositionOptions = {
  enableHighAccuracy: true,
  timeout: 20_000,
  // A fix from the last few seconds is as good as a new one and much faster.
  maximumAge: 5_000,
};

export type LocateResult = { ok: true; fix: Fix } | { ok: false; problem: LocationProblem };

export function locate(): Promise<LocateResult> {
  if (!('geolocation' in navigator)) return Promise.resolve({ ok: false, problem: 'unsupported' });
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      ({ coords, timestamp }) =>
        resolve({
          ok: true,
          fix: { latitude: coords.latitude, longitude: coords.longitude, accuracy: coords.accuracy, at: timestamp },
        }),
      (error) => resolve({ ok: false, problem: locationProblem(error.code) }),
      OPTIONS,
    );
  });
}
