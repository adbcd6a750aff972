/**
 * @module test/helpers/gateway-requests
 * The requests multi-instance tests send to spawned gateways: any call with a key, an admin call
 * that must succeed (its body is the assertion's message when it does not), and a minimal chat.
 */
import { expect } from 'vitest';
import type { SpawnedGateway } from './spawn-gateway.js';

export function gatewayRequests(adminKey: string) {
  const send = (gateway: SpawnedGateway, method: string, path: string, key: string, body?: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const admin = async (gateway: SpawnedGateway, method: string, path: string, body?: unknown) => {
    const response = await send(gateway, method, `/admin${path}`, adminKey, body);
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return response.json() as Promise<any>;
  };
  const chat = (gateway: SpawnedGateway, key: string) => send(gateway, 'POST', '/v1/chat/completions', key, { model: 'demo', messages: [{ role: 'user', content: 'hi' }] });
  return { send, admin, chat };
}
