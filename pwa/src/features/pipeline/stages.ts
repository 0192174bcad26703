// Admins shape the org's stages: names in both languages, win probability, order; add and retire.
import '@/features/pipeline/pipeline.css';
import type { Screen } from '@/app/screen';
import { request } from '@/graphql/client';
import { SAVE_STAGES_MUTATION, STAGE_LIST_QUERY } from '@/graphql/documents';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { OperationError, Stage, StageOutcome } from '@/graphql/types';
import { t } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';

const OUTCOME_LABEL = { OPEN: 'pipeline.kindOpen', WON: 'pipeline.kindWon', LOST: 'pipeline.kindLost' } as const;

export interface StageDraft {
  id: string | null;
  nameEn: string;
  nameZh: string;
  probability: number;
  outcome: StageOutcome;
}

/** Open stages keep their order; won and lost always close the list. */
export function moveDraft(drafts: StageDraft[], index: number, by: -1 | 1): StageDraft[] {
  const target = index + by;
  if (target < 0 || target >= drafts.length) return drafts;
  if (drafts[index]!.outcome !== 'OPEN' || drafts[target]!.outcome !== 'OPEN') return drafts;
  const next = [...drafts];
  [next[index], next[target]] = [next[target]!, next[index]!];
  return next;
}

export function addDraft(drafts: StageDraft[]): StageDraft[] {
  const at = drafts.findIndex((d) => d.outcome !== 'OPEN');
  const fresh: StageDraft = { id: null, nameEn: '', nameZh: '', probability: 50, outcome: 'OPEN' };
  return at < 0 ? [...drafts, fresh] : [...drafts.slice(0, at), fresh, ...drafts.slice(at)];
}

export const stagesScreen: Screen = (root, { me }) => {
  const texts = new Texts();
  let drafts: StageDraft[] = [];
  const list = h('ol', { class: 'stage-editor', 'data-testid': 'stage-editor' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'stages-error' });
  const ok = h('p', { class: 'form-ok', role: 'status', hidden: true });

  const render = () => {
    replace(
      list,
      drafts.map((d, i) => {
        const open = d.outcome === 'OPEN';
        const en = h('input', { class: 'input', value: d.nameEn, maxlength: 100, 'aria-label': t('pipeline.stageNameEn'), placeholder: t('pipeline.stageNameEn'), oninput: (e: Event) => (d.nameEn = (e.target as HTMLInputElement).value) });
        const zh = h('input', { class: 'input', value: d.nameZh, maxlength: 100, 'aria-label': t('pipeline.stageNameZh'), placeholder: t('pipeline.stageNameZh'), oninput: (e: Event) => (d.nameZh = (e.target as HTMLInputElement).value) });
        const p = h('input', { class: 'input', type: 'number', min: 0, max: 100, value: d.probability, 'aria-label': t('pipeline.stageProbability'), oninput: (e: Event) => (d.probability = Number((e.target as HTMLInputElement).value)) });
        return h(
          'li',
          { class: `stage-edit outcome-${d.outcome.toLowerCase()}`, 'data-testid': 'stage-edit' },
          h('span', { class: 'stage-outcome' }, t(OUTCOME_LABEL[d.outcome])),
          en, zh,
          h('label', { class: 'stage-prob' }, p, '%'),
          h('span', { class: 'stage-tools' },
            h('button', { type: 'button', class: 'btn btn-small', disabled: !open, 'aria-label': t('pipeline.stageUp'), onclick: () => { drafts = moveDraft(drafts, i, -1); render(); } }, '↑'),
            h('button', { type: 'button', class: 'btn btn-small', disabled: !open, 'aria-label': t('pipeline.stageDown'), onclick: () => { drafts = moveDraft(drafts, i, 1); render(); } }, '↓'),
            h('button', { type: 'button', class: 'btn btn-small', disabled: !open, 'data-testid': 'stage-remove', 'aria-label': t('pipeline.stageRemove'), onclick: () => { drafts = drafts.filter((_, j) => j !== i); render(); } }, '×'),
          ),
        );
      }),
    );
  };

  const load = async () => {
    try {
      const stages = (await request<{ stages: Array<Stage & { nameEn: string; nameZh: string }> }>(STAGE_LIST_QUERY)).stages;
      drafts = stages.map((s) => ({ id: s.id, nameEn: s.nameEn, nameZh: s.nameZh, probability: s.probability, outcome: s.outcome }));
      render();
    } catch (failure) {
      error.textContent = failureMessage(failure);
      error.hidden = false;
    }
  };

  const save = async () => {
    error.hidden = ok.hidden = true;
    try {
      const { saveStages } = await request<{ saveStages: { __typename: 'StagesSuccess'; stages: Stage[] } | OperationError }>(SAVE_STAGES_MUTATION, {
        stages: drafts.map((d) => ({ id: d.id, nameEn: d.nameEn, nameZh: d.nameZh, probability: d.probability, outcome: d.outcome })),
      });
      if (saveStages.__typename === 'OperationError') {
        error.textContent = saveStages.errors.map(fieldErrorMessage).join(' ');
        error.hidden = false;
        return;
      }
      ok.textContent = t('pipeline.stagesSaved');
      ok.hidden = false;
      void load();
    } catch (failure) {
      error.textContent = failureMessage(failure);
      error.hidden = false;
    }
  };

  root.append(
    h(
      'section',
      { class: 'page stages-page' },
      h('a', { class: 'back-link', href: '/deals' }, tx(texts, 'span', 'pipeline.back')),
      h('header', { class: 'page-head' }, tx(texts, 'h1', 'pipeline.stagesTitle', { class: 'page-title' })),
      me?.user.role === 'ADMIN' ? null : h('p', { class: 'empty' }, t('error.FORBIDDEN')),
      tx(texts, 'p', 'pipeline.stagesHint', { class: 'stat-foot' }),
      list,
      error,
      ok,
      h('div', { class: 'form-actions' },
        tx(texts, 'button', 'pipeline.stageAdd', { type: 'button', class: 'btn', 'data-testid': 'stage-add', onclick: () => { drafts = addDraft(drafts); render(); } }),
        tx(texts, 'button', 'pipeline.save', { type: 'button', class: 'btn btn-primary', 'data-testid': 'stages-save', onclick: () => void save() }),
      ),
    ),
  );
  texts.on(render);
  void load();
  return () => texts.dispose();
};
