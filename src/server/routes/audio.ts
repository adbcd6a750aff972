/**
 * @module server/routes/audio
 * `POST /v1/audio/speech` (billed per character of input; the audio streams back as it is made)
 * and `POST /v1/audio/transcriptions` (a multipart upload streamed to a temporary file and on to
 * the upstream, never held in memory; over `server.bodyLimitBytes` it is a 413; billed per second
 * of audio: the answer's `duration` or `usage.seconds`, the last subtitle timestamp for srt/vtt,
 * else estimated from the file's size and flagged as estimated).
 */
import type { Hono } from 'hono';
import { speechRequestSchema } from '../../../schemas/openai-media.js';
import { nativeBody } from '../../../providers/shared/native-body.js';
import { costHeader } from '../../calls/metered-call.js';
import { beginUnitCall } from '../../calls/unit-call.js';
import { badRequest, GatewayError } from '../../errors/gateway-error.js';
import { toGatewayError } from '../../errors/render-error.js';
import type { GatewayEnv } from '../gateway-env.js';
import { boundaryOf, multipartBody, receiveMultipart } from '../multipart-upload.js';
import { assertDepthWithin } from '../bounded-json.js';
import { requestBodyStream } from '../read-body-bytes.js';
import { readJsonBodyAndBytes, validateBody } from '../read-request.js';
import { tenantCaller } from '../tenant-auth.js';
import { audioSeconds, worstCaseSeconds } from './audio-duration.js';
import { clientSignal } from '../client-signal.js';

export function registerAudio(app: Hono<GatewayEnv>): void {
  app.post('/v1/audio/speech', async (context) => {
    const body = await readJsonBodyAndBytes(context);
    assertDepthWithin(body.value);
    const request = validateBody(speechRequestSchema, body.value);
    const characters = [...request.input].length;
    const call = await beginUnitCall(context.get('gateway'), {
      caller: tenantCaller(context),
      requestId: context.get('requestId'),
      signal: clientSignal(context),
      kind: 'audio',
      model: request.model,
      unit: 'character',
      worstCaseUnits: characters,
      feature: 'Speech',
    });
    try {
      const result = await call.forward({ operation: 'audio/speech', body: nativeBody(body.bytes, call.target.upstreamModel), contentType: 'application/json' });
      // The price is known once the upstream accepted: the audio streams through as it is made.
      const cost = call.complete(characters);
      return new Response(ReadableStream.from(result.body), { headers: { 'content-type': result.contentType, ...call.metered.rateLimitHeaders, [costHeader]: cost } });
    } catch (error) {
      const gatewayError = toGatewayError(error);
      call.metered.fail(gatewayError);
      throw gatewayError;
    }
  });

  app.post('/v1/audio/transcriptions', async (context) => {
    const limit = context.get('gateway').config.server.bodyLimitBytes;
    const declared = Number(context.req.header('content-length') ?? 0);
    if (declared > limit) throw new GatewayError(413, `The upload is larger than the ${limit} bytes allowed.`, { code: 'request_too_large' });
    const contentType = context.req.header('content-type');
    boundaryOf(contentType);
    const upload = await receiveMultipart(requestBodyStream(context), contentType, limit);
    try {
      const model = upload.fields.find(([name]) => name === 'model')?.[1];
      if (!model) throw badRequest('`model` is required: name the transcription model.', 'model');
      const file = upload.files.find((candidate) => candidate.field === 'file');
      if (!file) throw badRequest('`file` is required: attach the audio to transcribe.', 'file');
      const call = await beginUnitCall(context.get('gateway'), {
        caller: tenantCaller(context),
        requestId: context.get('requestId'),
        signal: clientSignal(context),
        kind: 'audio',
        model,
        unit: 'second',
        worstCaseUnits: worstCaseSeconds(file.size),
        feature: 'Transcription',
      });
      try {
        const boundary = `tollgate-${context.get('requestId')}`;
        const fields = upload.fields.map(([name, value]): [string, string] => [name, name === 'model' ? call.target.upstreamModel : value]);
        const result = await call.forward({ operation: 'audio/transcriptions', body: multipartBody(boundary, fields, upload.files), contentType: `multipart/form-data; boundary=${boundary}` });
        const text = await result.body.text();
        const seconds = audioSeconds(text, file.size);
        const cost = call.complete(seconds.value, seconds.estimated);
        return new Response(text, { headers: { 'content-type': result.contentType, ...call.metered.rateLimitHeaders, [costHeader]: cost } });
      } catch (error) {
        const gatewayError = toGatewayError(error);
        call.metered.fail(gatewayError);
        throw gatewayError;
      }
    } finally {
      await upload.dispose();
    }
  });
}
