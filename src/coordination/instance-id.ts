/**
 * @module coordination/instance-id
 * This process's name among the instances sharing Redis: host, pid and a random part (a pid is
 * reused across restarts and containers). It labels change notices, so an instance skips its own,
 * and job leases, so a log says which instance holds one.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export const instanceId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
