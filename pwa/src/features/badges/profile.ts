// /profile (mine) and /profile?user=<id> (anyone in my org): who, their streak (mine, or a
// manager's person: the API keeps streaks private otherwise) and the badge wall — every
// built-in and company badge, earned ones in colour with how often and when, the others grey
// with how to earn them. A badge celebration for this person reloads it live.
import '@/features/badges/badges.css';
import type { Screen } from '@/app/screen';
import { flameArt, medalArt } from '@/features/badges/art';
import { PROFILE_QUERY, STREAK_QUERY, type BadgeDefinition, type BoardPerson, type EarnedBadge, type Streak } from '@/features/badges/documents';
import { badgeSettingsLink } from '@/features/badges/links';
import { badgeWall, dayIn, earnedWords, howToEarn, medalName, streakWords, type Medal } from '@/features/badges/logic';
import { preparePhoto, UnreadablePhoto } from '@/features/visit/photo';
import { GraphQLRequestError, NetworkError, request, subscribe } from '@/graphql/client';
import { CELEBRATIONS_SUBSCRIPTION } from '@/graphql/documents';
import { failureMessage } from '@/graphql/errors';
import type { Celebration, Me, User } from '@/graphql/types';
import { formatNumber, getLocale, t } from '@/i18n';
import { AVATAR_PLACEHOLDER, avatar } from '@/ui/avatar';
import { h, replace, Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

// Celebrations come in bursts (a visit can cross two badges at once).
const RELOAD_DELAY_MS = 400;

interface Loaded {
  earned: EarnedBadge[];
  definitions: BadgeDefinition[];
  person: BoardPerson | null;
}

export const profileScreen: Screen = (root, { me: maybeMe, location }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  const asked = location.params.get('user');
  const userId = asked && asked !== me.user.id ? asked : null;
  const whoseId = userId ?? me.user.id;
  // A rep sees anyone's badges but only their own streak; a manager's miss just hides the card.
  const showStreak = userId === null || me.user.role !== 'REP';

  let loaded: Loaded | null = null;
  let streak: Streak | null = null;
  let failure: string | null = null;

  const hero = h('header', { class: 'card profile-hero', 'data-testid': 'profile-hero' });
  const streakCard = h('section', { class: 'card streak-card', 'data-testid': 'profile-streak', hidden: !showStreak });
  const wall = h('section', { class: 'card badge-wall-card', 'data-testid': 'badge-wall' });
  const problem = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'profile-error' });

  const today = () => dayIn(new Date(), me.org.timeZone);

  // My own photo: resized on the phone like visit photos, then re-encoded square by the server.
  let photoNote: string | null = null;
  const photoInput = h('input', { type: 'file', accept: 'image/*', class: 'visually-hidden', id: 'profile-photo-input', 'data-testid': 'profile-photo-input' });
  photoInput.addEventListener('change', () => void changePhoto());
  const changePhoto = async () => {
    const file = photoInput.files?.[0];
    photoInput.value = '';
    if (!file) return;
    photoNote = t('badges.photoSaving');
    renderHero();
    try {
      const prepared = await preparePhoto(file);
      const response = await fetch('/api/me/photo', {
        method: 'PUT', credentials: 'same-origin', headers: { 'content-type': prepared.contentType }, body: prepared.blob,
      });
      const body = (await response.json()) as { photoUrl?: string; errors?: Array<{ message: string }> };
      if (!response.ok || !body.photoUrl) throw new Error(body.errors?.[0]?.message || String(response.status));
      me.user.photoUrl = body.photoUrl;
      photoNote = null;
    } catch (error) {
      photoNote = error instanceof UnreadablePhoto ? t('badges.photoUnreadable') : error instanceof TypeError ? failureMessage(new NetworkError(error)) : (error as Error).message;
    }
    renderHero();
  };

  const renderHero = () => {
    const person: Pick<User, 'initials' | 'avatarColor' | 'name' | 'photoUrl'> & { team?: User['team'] } =
      userId === null ? me.user : loaded?.person?.user ?? { name: t('badges.profileTitle'), initials: '…', avatarColor: AVATAR_PLACEHOLDER, team: null };
    const rank = loaded?.person && loaded.person.points > 0 ? loaded.person.rank : null;
    const photoControl = userId === null
      ? h('div', { class: 'profile-photo-edit' },
          h('label', { class: 'btn btn-ghost btn-small', for: 'profile-photo-input', 'data-testid': 'profile-change-photo' }, t('badges.changePhoto')),
          photoInput,
          photoNote ? h('p', { class: 'profile-photo-note', role: 'status', 'data-testid': 'profile-photo-note' }, photoNote) : null)
      : null;
    replace(
      hero,
      h('div', { class: 'profile-face' }, avatar(person, 72), photoControl),
      h('div', { class: 'profile-who' },
        h('h1', { class: 'profile-name', 'data-testid': 'profile-name' }, person.name),
        h('p', { class: 'profile-sub' }, [person.team?.name, me.org.name].filter(Boolean).join(' · ')),
        rank !== null ? h('span', { class: `profile-rank ${rank <= 3 ? `medal-${rank}` : ''}`, 'data-testid': 'profile-rank' }, t('badges.rankMonth', { rank: formatNumber(rank) })) : null),
    );
  };

  const renderStreak = () => {
    if (!showStreak) return;
    if (!streak) {
      streakCard.classList.add('is-loading');
      replace(streakCard, h('div', { class: 'skeleton-row' }));
      return;
    }
    streakCard.classList.remove('is-loading');
    const words = streakWords(streak, getLocale());
    streakCard.dataset.current = String(streak.current);
    streakCard.dataset.atRisk = String(streak.atRisk);
    streakCard.classList.toggle('is-cold', streak.current === 0);
    replace(
      streakCard,
      h('div', { class: 'streak-main' },
        h('div', { class: 'streak-flame' }, flameArt(), h('span', { class: 'streak-count', 'data-testid': 'streak-current' }, formatNumber(streak.current))),
        h('div', { class: 'streak-text' },
          tx(texts, 'h2', 'badges.streakTitle', { class: 'card-kicker' }),
          h('strong', { class: 'streak-headline' }, words.headline),
          h('span', { class: 'streak-best', 'data-testid': 'streak-best' }, words.best))),
      h('p', { class: `streak-note ${words.atRisk ? 'is-at-risk' : ''}`, 'data-testid': 'streak-note' },
        words.atRisk ? icon('alert', 'icon icon-small') : null, words.note),
      h('p', { class: 'streak-rule' }, t('badges.streakRule')),
    );
  };

  const medalItem = (medal: Medal) => {
    const locale = getLocale();
    const earned = medal.count > 0;
    const how = howToEarn(medal, { locale, currency: me.org.currency, streakDays: streak?.badgeDays });
    const paused = medal.definition && !medal.definition.active;
    return h('li', {
      class: `medal medal-${medal.builtIn ?? 'custom'} ${earned ? 'is-earned' : 'is-locked'}`,
      'data-testid': 'badge', 'data-key': medal.key, 'data-earned': String(earned), 'data-count': medal.count,
    },
    h('div', { class: 'medal-figure' }, medalArt(medal.builtIn ?? 'custom'),
      medal.count > 1 ? h('span', { class: 'medal-times', 'aria-hidden': 'true' }, `×${formatNumber(medal.count)}`) : null),
    h('div', { class: 'medal-text' },
      h('strong', { class: 'medal-name', 'data-testid': 'badge-name' }, medalName(medal, locale)),
      h('span', { class: 'medal-when', 'data-testid': 'badge-when' }, earnedWords(medal, { locale, today: today(), zone: me.org.timeZone })),
      how ? h('span', { class: 'medal-how' }, how) : null,
      paused ? h('span', { class: 'medal-paused' }, t('badges.retired')) : null));
  };

  const renderWall = () => {
    if (failure) {
      replace(wall, h('p', { class: 'empty' }, failure));
      return;
    }
    if (!loaded) {
      replace(wall, h('div', { class: 'skeleton-list' }, h('div', { class: 'skeleton-row' }), h('div', { class: 'skeleton-row' })));
      return;
    }
    const medals = badgeWall(loaded.earned, loaded.definitions);
    const builtIn = medals.filter((m) => m.builtIn);
    const custom = medals.filter((m) => !m.builtIn);
    const earnedCount = medals.filter((m) => m.count > 0).length;
    replace(
      wall,
      h('div', { class: 'card-head' },
        tx(texts, 'h2', 'badges.wallTitle', { class: 'card-title' }),
        h('span', { class: 'wall-count', 'data-testid': 'wall-count' }, t('badges.wallCount', { earned: formatNumber(earnedCount), total: formatNumber(medals.length) }))),
      h('ul', { class: 'medal-grid', 'data-testid': 'badges-builtin' }, builtIn.map(medalItem)),
      custom.length
        ? [h('h3', { class: 'wall-sub' }, t('badges.customTitle')), h('ul', { class: 'medal-grid', 'data-testid': 'badges-custom' }, custom.map(medalItem))]
        : null,
    );
  };

  const render = () => {
    renderHero();
    renderStreak();
    renderWall();
  };

  const load = async () => {
    try {
      const data = await request<{ badges: EarnedBadge[]; badgeDefinitions: BadgeDefinition[]; leaderboard: { entries: BoardPerson[] } }>(
        PROFILE_QUERY, { userId },
      );
      loaded = {
        earned: data.badges,
        definitions: data.badgeDefinitions,
        person: data.leaderboard.entries.find((e) => e.user.id === whoseId) ?? null,
      };
      failure = null;
      problem.hidden = true;
    } catch (error) {
      const missing = error instanceof GraphQLRequestError && error.codes.includes('NOT_FOUND');
      if (loaded) {
        problem.hidden = false;
        problem.textContent = failureMessage(error);
      } else {
        failure = missing ? t('badges.notFound') : failureMessage(error);
      }
    }
    if (showStreak) {
      try {
        streak = (await request<{ streak: Streak }>(STREAK_QUERY, { userId })).streak;
      } catch {
        // Not one of my people (or offline): the badges still say a lot.
        streakCard.hidden = true;
      }
    }
    render();
  };

  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  disposers.push(() => clearTimeout(reloadTimer));
  disposers.push(
    subscribe<{ celebrations: Celebration }>(CELEBRATIONS_SUBSCRIPTION, {}, {
      next: ({ celebrations: c }) => {
        if (c.user.id !== whoseId) return;
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(() => void load(), RELOAD_DELAY_MS);
      },
    }),
  );

  texts.on(render);

  const links = h('nav', { class: 'profile-links' },
    userId === null
      ? h('a', { class: 'btn btn-ghost btn-small', href: '/points', 'data-testid': 'profile-points' }, tx(texts, 'span', 'badges.pointsLink'), icon('chevron'))
      : me.user.role !== 'REP'
        ? h('a', { class: 'btn btn-ghost btn-small', href: `/points?user=${encodeURIComponent(userId)}`, 'data-testid': 'profile-points' }, tx(texts, 'span', 'badges.pointsLink'), icon('chevron'))
        : null,
    userId === null ? badgeSettingsLink(texts, me.user.role) : null,
    userId === null && me.user.role !== 'REP'
      ? h('a', { class: 'btn btn-ghost btn-small', href: '/settings/people', 'data-testid': 'profile-people' }, tx(texts, 'span', 'accounts.people.link'), icon('chevron'))
      : null,
    userId === null
      ? h('a', { class: 'btn btn-ghost btn-small', href: '/settings/password', 'data-testid': 'profile-password' }, tx(texts, 'span', 'accounts.password.link'), icon('chevron'))
      : null);

  root.append(
    h('section', { class: 'page profile-page', 'data-testid': 'profile-page', 'data-user-id': whoseId },
      userId !== null ? h('a', { class: 'back-link', href: '/board', onclick: (event: MouseEvent) => {
        if (window.history.length > 1) {
          event.preventDefault();
          window.history.back();
        }
      } }, tx(texts, 'span', 'badges.back')) : null,
      hero,
      problem,
      h('div', { class: 'profile-grid' },
        h('div', { class: 'profile-side' }, streakCard, links),
        wall)),
  );
  render();
  void load();
  return () => disposers.forEach((d) => d());
};
