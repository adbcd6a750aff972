#!/usr/bin/env bash
# The gateway with curl. Start it with `npm start` first.
set -euo pipefail
BASE=${TOLLGATE_URL:-http://127.0.0.1:8787}
KEY=${TOLLGATE_API_KEY:-tg_demo_local_development_key}

echo '# a chat completion from the built-in mock model'
curl -sS "$BASE/v1/chat/completions" -H 'content-type: application/json' -H "authorization: Bearer $KEY" \
  -d '{"model":"demo","messages":[{"role":"user","content":"Hello, Tollgate!"}]}'
echo

echo '# the same, streamed, with the usage chunk'
curl -sSN "$BASE/v1/chat/completions" -H 'content-type: application/json' -H "authorization: Bearer $KEY" \
  -d '{"model":"demo","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Stream me"}]}'

echo '# embeddings and models'
curl -sS "$BASE/v1/embeddings" -H 'content-type: application/json' -H "authorization: Bearer $KEY" -d '{"model":"demo","input":"hello"}' | head -c 200
echo
curl -sS "$BASE/v1/models" -H "authorization: Bearer $KEY"
echo
