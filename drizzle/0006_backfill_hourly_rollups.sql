-- Fills the hourly usage rollups from the ledger rows already stored, so reports cover the
-- history from before the upgrade (as far back as `calls` goes: rows removed by retention live
-- on only in daily_rollups, which /admin/usage keeps serving). perf_hourly starts empty.
INSERT INTO usage_hourly_tenant (hour, tenant_id, requests, errors, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_nano_usd, estimated_cost_nano_usd, unknown_cost_requests, estimated_requests)
SELECT (time / 3600000) * 3600000, COALESCE(tenant_id, ''), COUNT(*), SUM(status >= 400), SUM(input_tokens), SUM(cached_input_tokens), SUM(cache_write_tokens), SUM(output_tokens), SUM(reasoning_tokens),
  SUM(COALESCE(cost_nano_usd, 0)), SUM(CASE WHEN estimated THEN COALESCE(cost_nano_usd, 0) ELSE 0 END), SUM(cost_unknown), SUM(estimated)
FROM calls GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO usage_hourly_model (hour, model, provider, kind, service, requests, errors, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_nano_usd, estimated_cost_nano_usd, unknown_cost_requests, estimated_requests)
SELECT (time / 3600000) * 3600000, COALESCE(model, ''), COALESCE(provider, ''), kind, COALESCE(service, ''), COUNT(*), SUM(status >= 400), SUM(input_tokens), SUM(cached_input_tokens), SUM(cache_write_tokens), SUM(output_tokens), SUM(reasoning_tokens),
  SUM(COALESCE(cost_nano_usd, 0)), SUM(CASE WHEN estimated THEN COALESCE(cost_nano_usd, 0) ELSE 0 END), SUM(cost_unknown), SUM(estimated)
FROM calls GROUP BY 1, 2, 3, 4, 5;
--> statement-breakpoint
INSERT INTO usage_hourly (hour, tenant_id, key_id, model, provider, prompt, kind, service, requests, errors, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_nano_usd, estimated_cost_nano_usd, unknown_cost_requests, estimated_requests)
SELECT (time / 3600000) * 3600000, COALESCE(tenant_id, ''), COALESCE(key_id, ''), COALESCE(model, ''), COALESCE(provider, ''), CASE WHEN prompt_name IS NULL THEN '' WHEN prompt_version IS NULL THEN prompt_name ELSE prompt_name || '@' || prompt_version END, kind, COALESCE(service, ''), COUNT(*), SUM(status >= 400), SUM(input_tokens), SUM(cached_input_tokens), SUM(cache_write_tokens), SUM(output_tokens), SUM(reasoning_tokens),
  SUM(COALESCE(cost_nano_usd, 0)), SUM(CASE WHEN estimated THEN COALESCE(cost_nano_usd, 0) ELSE 0 END), SUM(cost_unknown), SUM(estimated)
FROM calls GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
--> statement-breakpoint
INSERT INTO usage_hourly_labels (hour, tenant_id, key_id, model, provider, prompt, kind, service, end_user, tags, requests, errors, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_nano_usd, estimated_cost_nano_usd, unknown_cost_requests, estimated_requests)
SELECT (time / 3600000) * 3600000, COALESCE(tenant_id, ''), COALESCE(key_id, ''), COALESCE(model, ''), COALESCE(provider, ''), CASE WHEN prompt_name IS NULL THEN '' WHEN prompt_version IS NULL THEN prompt_name ELSE prompt_name || '@' || prompt_version END, kind, COALESCE(service, ''), COALESCE(end_user, ''), COALESCE(tags, ''), COUNT(*), SUM(status >= 400), SUM(input_tokens), SUM(cached_input_tokens), SUM(cache_write_tokens), SUM(output_tokens), SUM(reasoning_tokens),
  SUM(COALESCE(cost_nano_usd, 0)), SUM(CASE WHEN estimated THEN COALESCE(cost_nano_usd, 0) ELSE 0 END), SUM(cost_unknown), SUM(estimated)
FROM calls GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
