// How each kind of outbox write reaches the server: GraphQL for check-in, check-out,
// a new customer and the pipeline's writes, a plain POST of the picture's bytes for a photo.
import {
  ADD_CUSTOMER_MUTATION,
  CHECK_IN_MUTATION,
  CHECK_OUT_MUTATION,
  type AddCustomerResult,
  type CheckInResult,
  type CheckOutResult,
  type PhotoUploadErrors,
  type PhotoUploadResult,
} from '@/features/visit/documents';
import {
  SYNC_CREATE_DEAL,
  SYNC_LOG_ACTIVITY,
  SYNC_MOVE_DEAL,
  SYNC_UPDATE_DEAL,
  type ActivityWriteResult,
  type DealWriteResult,
} from '@/features/pipeline/sync-documents';
import { GraphQLRequestError, NetworkError, reportUnauthenticated, request } from '@/graphql/client';
import type { ErrorCode, FieldError, OperationError } from '@/graphql/types';
import type { DealRef, OutboxItem } from '@/offline/db';
import { SessionGone, type SendOutcome, type Transport } from '@/offline/sync';

export const PHOTO_UPLOAD_PATH = '/api/visits/photos';

function typed<T extends { __typename: string }>(result: T | OperationError, success: T['__typename']): SendOutcome {
  if (result.__typename === success) return { ok: true, result: result as never };
  return { ok: false, errors: (result as OperationError).errors };
}

/** Top-level GraphQL errors are not retried blindly: the rep sees them (except a lost session). */
async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  try {
    return await request<T>(query, variables);
  } catch (error) {
    if (error instanceof GraphQLRequestError && error.unauthenticated) throw new SessionGone();
    throw error;
  }
}

function requestErrors(error: GraphQLRequestError): FieldError[] {
  return error.errors.map((e) => ({
    field: null,
    code: (e.extensions?.code ?? 'INVALID') as ErrorCode,
    message: e.message,
  }));
}

/** The upload's answer: 2xx accepted, 401 session gone, other 4xx a conflict, 5xx / no answer retried. */
export async function uploadPhoto(
  clientId: string,
  visitClientId: string,
  blob: Blob,
  contentType: string,
  fetchFn: typeof fetch = fetch,
): Promise<SendOutcome> {
  const query = new URLSearchParams({ clientId, visitClientId });
  let response: Response;
  try {
    response = await fetchFn(`${PHOTO_UPLOAD_PATH}?${query}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': contentType, accept: 'application/json' },
      body: blob,
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  if (response.status === 401) {
    reportUnauthenticated();
    throw new SessionGone();
  }
  if (response.status >= 500) throw new NetworkError(response.status);
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    // A proxy's HTML page: a 4xx of its own (413 from a front server) is still a refusal.
    if (response.status >= 400) return { ok: false, errors: [statusError(response.status)] };
    throw new NetworkError(error);
  }
  if (response.ok) return { ok: true, result: body as PhotoUploadResult };
  const errors = (body as Partial<PhotoUploadErrors>).errors;
  return { ok: false, errors: errors?.length ? errors : [statusError(response.status)] };
}

function statusError(status: number): FieldError {
  const code: ErrorCode = status === 413 ? 'TOO_LONG' : status === 404 ? 'NOT_FOUND' : status === 403 ? 'FORBIDDEN' : 'INVALID';
  return { field: null, code, message: '' };
}

/**
 * The deal's server id. The sync sends a write only after what it depends on, and
 * the accepted createDeal fills the id in; none here means the write lost its create.
 */
function serverId(ref: DealRef): string {
  if (ref.dealId === null) throw new Error('a deal write was sent before its deal was created');
  return ref.dealId;
}

export const httpTransport: Transport = {
  async send(item: OutboxItem, sentAt: string): Promise<SendOutcome> {
    try {
      switch (item.kind) {
        case 'checkIn': {
          const data = await graphql<{ checkIn: CheckInResult }>(CHECK_IN_MUTATION, { input: { ...item.payload, sentAt } });
          return typed(data.checkIn, 'CheckInSuccess');
        }
        case 'checkOut': {
          const data = await graphql<{ checkOut: CheckOutResult }>(CHECK_OUT_MUTATION, { input: { ...item.payload, sentAt } });
          return typed(data.checkOut, 'CheckOutSuccess');
        }
        case 'photo': {
          const { visitClientId, blob, contentType } = item.payload;
          return await uploadPhoto(item.clientId, visitClientId, blob, contentType);
        }
        case 'createDeal': {
          const data = await graphql<{ createDeal: DealWriteResult }>(SYNC_CREATE_DEAL, { input: { ...item.payload, clientId: item.clientId } });
          return typed(data.createDeal, 'DealSuccess');
        }
        case 'moveDeal': {
          const { version, stage, reason } = item.payload;
          const input = { id: serverId(item.payload), version, stageId: stage.id, reason, clientId: item.clientId };
          const data = await graphql<{ moveDeal: DealWriteResult }>(SYNC_MOVE_DEAL, { input });
          return typed(data.moveDeal, 'DealSuccess');
        }
        case 'updateDeal': {
          const { version, changes } = item.payload;
          const input = { id: serverId(item.payload), version, ...changes, clientId: item.clientId };
          const data = await graphql<{ updateDeal: DealWriteResult }>(SYNC_UPDATE_DEAL, { input });
          return typed(data.updateDeal, 'DealSuccess');
        }
        case 'logActivity': {
          const { kind, outcome, note, occurredAt } = item.payload;
          const input = { clientId: item.clientId, dealId: serverId(item.payload), kind, outcome, note, occurredAt };
          const data = await graphql<{ logActivity: ActivityWriteResult }>(SYNC_LOG_ACTIVITY, { input });
          return typed(data.logActivity, 'ActivitySuccess');
        }
        case 'addCustomer': {
          const data = await graphql<{ addCustomer: AddCustomerResult }>(ADD_CUSTOMER_MUTATION, { input: { ...item.payload, clientId: item.clientId } });
          return typed(data.addCustomer, 'AddCustomerSuccess');
        }
      }
    } catch (error) {
      if (error instanceof GraphQLRequestError) return { ok: false, errors: requestErrors(error) };
      throw error;
    }
  },
};
