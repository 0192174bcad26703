// /customers/<id>: one customer. The header says its tier, owner, at-risk signal, lifetime revenue, open
// pipeline and last visit; then its contacts (tap to call), open deals and a timeline of visits, deals,
// orders, payments and activities, newest first. A merged customer's old link opens the survivor.
// Contacts are added, edited in place and removed; a refused field's message stands under that field.
import '@/features/customers/customers.css';
import { html, nothing, type TemplateResult } from 'lit-html';
import { navigate } from '@/app/router';
import type { Screen } from '@/app/screen';
import {
  ADD_CONTACT_MUTATION,
  CUSTOMER_PAGE_QUERY,
  EDIT_CONTACT_MUTATION,
  REMOVE_CONTACT_MUTATION,
  type Contact,
  type ContactResult,
  type CustomerDetail,
  type RemoveContactResult,
  type TimelineEntry,
} from '@/features/customers/documents';
import { lastVisitText } from '@/features/customers/list';
import { GraphQLRequestError, request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { FieldError, Me } from '@/graphql/types';
import { getLocale, t, type MessageKey } from '@/i18n';
import { errorSummary, field, invalid, NO_ERRORS, placeErrors, formMessage, type PlacedErrors } from '@/ui/form-view';
import { formatMoney } from '@/ui/money';
import { mount, type View } from '@/ui/view';
import { ownHost } from '@/features/customers/host';

const TIMELINE_PAGE = 20;
const WHEN: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };

interface ContactDraft {
  name: string;
  title: string;
  phone: string;
  wecomId: string;
  dingtalkId: string;
}

interface State {
  detail: CustomerDetail | null;
  timeline: TimelineEntry[];
  more: boolean;
  error: string;
  notFound: boolean;
  // The contact form open: NEW for adding one, else the id of the contact being edited in its place.
  editing: string | null;
  draft: ContactDraft;
  contactErrors: PlacedErrors;
  saving: boolean;
}

const NEW = 'new';
const EMPTY_DRAFT: ContactDraft = { name: '', title: '', phone: '', wecomId: '', dingtalkId: '' };
const CONTACT_SLOTS = Object.keys(EMPTY_DRAFT);

const draftOf = (k: Contact): ContactDraft => ({ name: k.name, title: k.title, phone: k.phone, wecomId: k.wecomId, dingtalkId: k.dingtalkId });

export const customerPageScreen: Screen = (root, { location, me: maybeMe }) => {
  const me = maybeMe as Me;
  const id = location.path.split('/')[2] ?? '';
  const currency = me.org.currency;
  let alive = true;

  const load = async (view: View<State>, offset = 0) => {
    try {
      const { customerPage } = await request<{ customerPage: CustomerDetail }>(CUSTOMER_PAGE_QUERY, { id, offset, first: TIMELINE_PAGE });
      if (!alive) return;
      if (customerPage.customer.id !== id) {
        // An old link to a merged customer: the survivor's page, under its own address.
        navigate(`/customers/${customerPage.customer.id}`, { replace: true });
        return;
      }
      view.update((s) => ({
        detail: customerPage, more: customerPage.timelineMore, error: '',
        timeline: offset ? [...s.timeline, ...customerPage.timeline] : customerPage.timeline,
      }));
    } catch (failure) {
      if (!alive) return;
      const notFound = failure instanceof GraphQLRequestError && failure.codes.includes('NOT_FOUND');
      view.update(notFound ? { notFound: true } : { error: failureMessage(failure) });
    }
  };

  const openForm = (editing: string | null, draft: ContactDraft = EMPTY_DRAFT) => view.update({ editing, draft, contactErrors: NO_ERRORS });

  const saveContact = async (event: Event) => {
    event.preventDefault();
    const { editing, draft, saving } = view.state;
    if (!editing || saving) return;
    view.update({ saving: true });
    try {
      const result = editing === NEW
        ? (await request<{ addContact: ContactResult }>(ADD_CONTACT_MUTATION, { customer: id, input: draft })).addContact
        : (await request<{ editContact: ContactResult }>(EDIT_CONTACT_MUTATION, { id: editing, input: draft })).editContact;
      if (!alive) return;
      if (result.__typename === 'OperationError') {
        view.update({ saving: false, contactErrors: placeErrors(result.errors as FieldError[], CONTACT_SLOTS) });
        return;
      }
      view.update({ saving: false, editing: null, draft: EMPTY_DRAFT, contactErrors: NO_ERRORS });
      void load(view);
    } catch (failure) {
      if (alive) view.update({ saving: false, contactErrors: formMessage(failureMessage(failure)) });
    }
  };

  const removeContact = async (contactId: string) => {
    try {
      const { removeContact } = await request<{ removeContact: RemoveContactResult }>(REMOVE_CONTACT_MUTATION, { id: contactId });
      if (removeContact.__typename !== 'OperationError') void load(view);
    } catch (failure) {
      view.update({ error: failureMessage(failure) });
    }
  };

  const money = (amount: string) => formatMoney(amount, currency, getLocale());

  const stat = (label: MessageKey, value: string, testId: string) => html`
    <div class="cust-stat"><span class="cust-stat-label">${t(label)}</span><strong data-testid=${testId}>${value}</strong></div>`;

  const entry = (e: TimelineEntry) => html`<li class="cust-event kind-${e.kind}" data-testid="timeline-entry" data-kind=${e.kind}>
    <span class="cust-event-dot" aria-hidden="true"></span>
    <div class="cust-event-body">
      <div class="cust-event-head"><strong>${t(`customers.kind.${e.kind}` as MessageKey)}</strong>
        <time datetime=${e.at}>${new Intl.DateTimeFormat(getLocale(), WHEN).format(new Date(e.at))}</time></div>
      <div class="cust-event-text">
        ${e.dealId ? html`<a href="/deals/${e.dealId}">${e.title}</a>` : e.kind === 'visit' ? nothing : e.title}
        ${e.amount ? html` · ${money(e.amount)}` : nothing}
        ${e.userName ? html` · ${e.userName}` : nothing}
      </div>
      ${e.detail ? html`<p class="cust-sub">${e.detail}</p>` : nothing}
    </div>
  </li>`;

  const contactField = (s: State, key: keyof ContactDraft, label: MessageKey, type = 'text') => field(`contact-${key}`, t(label),
    html`<input class="input" id="contact-${key}" type=${type} data-testid="contact-${key}" .value=${s.draft[key]}
      aria-invalid=${invalid(s.contactErrors, key)}
      @input=${(ev: Event) => view.update({ draft: { ...view.state.draft, [key]: (ev.target as HTMLInputElement).value } })}>`,
    key, s.contactErrors);

  const contactForm = (s: State) => html`<form class="cust-contact-form" novalidate data-testid="contact-form" @submit=${saveContact}>
    ${contactField(s, 'name', 'customers.page.contactName')}
    ${contactField(s, 'title', 'customers.page.contactTitle')}
    ${contactField(s, 'phone', 'customers.page.contactPhone', 'tel')}
    ${contactField(s, 'wecomId', 'customers.page.contactWecom')}
    ${contactField(s, 'dingtalkId', 'customers.page.contactDingtalk')}
    ${errorSummary(s.contactErrors, 'contact-errors')}
    <div class="cust-contact-actions">
      <button type="submit" class="btn btn-primary" data-testid="contact-save" ?disabled=${s.saving}>${t('customers.form.save')}</button>
      <button type="button" class="btn" data-testid="contact-cancel" @click=${() => openForm(null)}>${t('customers.page.cancel')}</button>
    </div>
  </form>`;

  const contactRow = (s: State, k: Contact) => s.editing === k.id
    ? html`<li data-testid="contact" class="editing">${contactForm(s)}</li>`
    : html`<li data-testid="contact">
      <div><strong>${k.name}</strong>${k.title ? html` <span class="cust-sub">${k.title}</span>` : nothing}</div>
      <div class="cust-contact-ways">
        ${k.phone ? html`<a class="cust-call" href="tel:${k.phone.replace(/[^0-9+]/g, '')}" aria-label=${t('customers.page.call', { name: k.name })}>${k.phone}</a>` : nothing}
        ${k.wecomId ? html`<span>${t('customers.page.contactWecom')}: ${k.wecomId}</span>` : nothing}
        ${k.dingtalkId ? html`<span>${t('customers.page.contactDingtalk')}: ${k.dingtalkId}</span>` : nothing}
        <button type="button" class="btn btn-small" data-testid="edit-contact" aria-label=${t('customers.page.editContact', { name: k.name })}
          @click=${() => openForm(k.id, draftOf(k))}>${t('customers.page.edit')}</button>
        <button type="button" class="btn btn-small" @click=${() => removeContact(k.id)}>${t('customers.page.remove')}</button>
      </div>
    </li>`;

  const draw = (s: State): TemplateResult => {
    if (s.notFound) return html`<section class="page page-narrow empty-page"><h1>${t('customers.page.notFound')}</h1><a class="btn" href="/customers">${t('customers.back')}</a></section>`;
    const d = s.detail;
    if (!d) return html`<section class="page">${s.error ? html`<p class="form-error" role="alert">${s.error}</p>` : nothing}</section>`;
    const c = d.customer;
    return html`<section class="page cust-detail" data-testid="customer-page">
      <a class="back-link" href="/customers">${t('customers.back')}</a>
      <header class="cust-detail-head">
        <div>
          <h1 data-testid="customer-name">${c.name}</h1>
          <p class="cust-sub">${[c.city, c.address, c.industry].filter(Boolean).join(' · ')}</p>
          <div class="cust-badges">
            <span class="cust-tier tier-${c.tier}" data-testid="customer-tier">${t('customers.tier', { tier: c.tier })}</span>
            ${c.atRisk ? html`<span class="cust-risk" data-testid="at-risk">${t('customers.atRisk')}</span>` : nothing}
          </div>
        </div>
        <a class="btn" href="/customers/${c.id}/edit" data-testid="edit-customer">${t('customers.page.edit')}</a>
      </header>
      <div class="cust-stats">
        ${stat('customers.page.owner', c.ownerName ?? t('customers.noOwner'), 'customer-owner')}
        ${stat('customers.page.lifetime', money(c.lifetimeRevenue), 'customer-lifetime')}
        ${stat('customers.page.openPipeline', money(c.openPipeline), 'customer-open')}
        ${stat('customers.page.lastVisit', lastVisitText(c.lastVisitAt), 'customer-last-visit')}
      </div>
      <div class="cust-columns">
        <div>
          <section class="card cust-card-section">
            <h2>${t('customers.page.contacts')}</h2>
            ${d.contacts.length ? html`<ul class="cust-contacts">${d.contacts.map((k) => contactRow(s, k))}</ul>`
              : html`<p class="cust-sub">${t('customers.page.noContacts')}</p>`}
            ${s.editing === NEW ? contactForm(s)
              : html`<button type="button" class="btn" data-testid="add-contact" @click=${() => openForm(NEW)}>${t('customers.page.addContact')}</button>`}
          </section>
          <section class="card cust-card-section">
            <h2>${t('customers.page.deals')}</h2>
            ${d.openDeals.length ? html`<ul class="cust-deals">${d.openDeals.map((x) => html`<li><a href="/deals/${x.id}">${x.title}</a>
              <span>${formatMoney(x.amount, x.currency, getLocale())} · ${x.probability}%</span></li>`)}</ul>`
              : html`<p class="cust-sub">${t('customers.page.noDeals')}</p>`}
          </section>
        </div>
        <section class="card cust-card-section">
          <h2>${t('customers.page.timeline')}</h2>
          ${s.timeline.length ? html`<ol class="cust-timeline" data-testid="timeline">${s.timeline.map(entry)}</ol>` : html`<p class="cust-sub">${t('customers.page.noTimeline')}</p>`}
          ${s.more ? html`<button type="button" class="btn" data-testid="timeline-more" @click=${() => load(view, s.timeline.length)}>${t('customers.page.more')}</button>` : nothing}
        </section>
      </div>
      ${s.error ? html`<p class="form-error" role="alert">${s.error}</p>` : nothing}
    </section>`;
  };

  const view = mount<State>(ownHost(root), {
    detail: null, timeline: [], more: false, error: '', notFound: false, editing: null, draft: EMPTY_DRAFT, contactErrors: NO_ERRORS,
    saving: false,
  }, draw);
  void load(view);
  return () => {
    alive = false;
    view.stop();
  };
};
