# Shared set-up of run.sh and profile.sh (sourced, not run): installs nginx and wrk when missing,
# makes a work folder with the request bodies, starts nginx answering a fixed chat completion on
# loopback (the upstream) and `cordon gateway` in front of it, and stops both on exit.
# Needs CORDON (the binary); sets WORK, UP, GW, NGINX_PID, GATEWAY_PID.
command -v nginx >/dev/null || apt-get install -y -qq nginx-light >/dev/null
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
WORK="$(mktemp -d)"
cleanup() { [ -n "${GATEWAY_PID:-}" ] && kill "$GATEWAY_PID" 2>/dev/null; [ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
python3 bench/gateway/bodies.py "$WORK" >&2
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
UP="$(free_port)"; GW="$(free_port)"
cat > "$WORK/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/body;
    client_max_body_size 64m;
    server {
        listen 127.0.0.1:$UP;
        location /v1/chat/completions {
            default_type application/json;
            return 200 '{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"bench","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Noted. I will write to the address you gave."}}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}';
        }
    }
}
NGINX
nginx -c "$WORK/nginx.conf" -p "$WORK" & NGINX_PID=$!
"$CORDON" gateway --listen "127.0.0.1:$GW" --upstream "http://127.0.0.1:$UP/v1" --log-level warning & GATEWAY_PID=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$GW/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
