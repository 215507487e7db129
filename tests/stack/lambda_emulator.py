"""A Lambda service in one process, for the rehearsal: each function's deployed `bootstrap` (the artifact
`sam build` made) runs as Lambda runs it — a process started with the function's environment and the
variables Lambda sets, asking a Runtime API (this module's, one per function on loopback) for its next event and
answering it. aarch64 artifacts run under qemu-user on another host. Invocations of one function are served one
at a time (reserved concurrency is not what the rehearsal tests); each is counted, with the AWS calls the
function made while serving it (read from moto's request log by the caller).

Only the Runtime API a custom runtime uses is served: `GET /runtime/invocation/next`,
`POST /runtime/invocation/{id}/response`, `POST /runtime/invocation/{id}/error`, `POST /runtime/init/error`.
"""

import http.server
import json
import os
import platform
import queue
import shutil
import subprocess
import threading
import time
import uuid

API = "/2018-06-01/runtime"


class InvocationError(Exception):
    """The function answered with an error (a handler error, or a crash before answering)."""


class RuntimeApi(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.events: "queue.Queue[tuple[str, bytes]]" = queue.Queue()
        self.answers: dict[str, "queue.Queue[tuple[str, bytes]]"] = {}
        self.init_error: bytes | None = None
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address):
        # A stopped function's connection ends mid-request: that is how Lambda ends an environment too.
        import sys
        if not isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError)):
            super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _reply(self, status: int, body: bytes = b"", headers: dict | None = None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path != f"{API}/invocation/next":
            return self._reply(404)
        request_id, payload = self.server.events.get()
        self._reply(200, payload, {
            "Lambda-Runtime-Aws-Request-Id": request_id,
            "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 900_000),
            "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:ap-northeast-1:123456789012:function:rehearsal",
            "Lambda-Runtime-Trace-Id": f"Root=1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]};Sampled=0",
            "Content-Type": "application/json",
        })

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        parts = self.path.split("/")
        if self.path == f"{API}/init/error":
            self.server.init_error = body
            return self._reply(202)
        if len(parts) >= 6 and parts[3] == "invocation" and parts[5] in ("response", "error"):
            self.server.answers.setdefault(parts[4], queue.Queue()).put((parts[5], body))
            return self._reply(202)
        self._reply(404)


def command_for(bootstrap: str) -> list[str]:
    """How to run an artifact here: as it is on aarch64, under qemu-user elsewhere."""
    if platform.machine() in ("aarch64", "arm64"):
        return [bootstrap]
    qemu = shutil.which("qemu-aarch64-static") or shutil.which("qemu-aarch64")
    if qemu is None:
        raise RuntimeError("qemu-user is needed to run the arm64 artifacts (apt: qemu-user-static)")
    return [qemu, bootstrap]


FAKETIME = "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"


class Function:
    """One function's process, started lazily and restarted after a crash (as Lambda starts a new
    environment). `clock_offset` starts it with its clock moved (libfaketime, e.g. "+1d"): a schedule's run "at
    its time" on a later day."""

    def __init__(self, name: str, bootstrap: str, environment: dict[str, str], memory: int, log_path: str):
        self.name, self.bootstrap, self.environment, self.memory = name, bootstrap, environment, memory
        self.log_path = log_path
        self.api = RuntimeApi()
        self.process: subprocess.Popen | None = None
        self.clock_offset: str | None = None
        self.invocations = 0
        self.lock = threading.Lock()

    def _start(self):
        env = {
            "PATH": "/usr/bin:/bin",
            "AWS_LAMBDA_RUNTIME_API": self.api.address,
            "AWS_LAMBDA_FUNCTION_NAME": self.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory),
            "AWS_LAMBDA_FUNCTION_VERSION": "1",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{self.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": "rehearsal",
            "LAMBDA_TASK_ROOT": os.path.dirname(self.bootstrap),
            "TZ": ":UTC",
            **self.environment,
        }
        command = command_for(self.bootstrap)
        if self.clock_offset:
            env.update({"FAKETIME": self.clock_offset, "FAKETIME_DONT_FAKE_MONOTONIC": "1", "FAKETIME_NO_CACHE": "1"})
            if command[0] != self.bootstrap:  # under qemu the preload is the guest's, set for the guest only
                command = [command[0], "-E", f"LD_PRELOAD={FAKETIME}", *command[1:]]
            else:
                env["LD_PRELOAD"] = FAKETIME
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None
        # A fresh Runtime API for the next environment: the stopped process's `next` may still be waiting in
        # the old one, and would take the next event to a closed socket.
        self.api = RuntimeApi()

    def with_clock(self, offset: str | None):
        """Runs the next invocations with the clock moved by `offset` (None: the real clock)."""
        if offset != self.clock_offset:
            self.stop()
            self.clock_offset = offset

    def invoke(self, event: dict, timeout: float = 300) -> dict:
        """Hands `event` to the function and waits for its answer; an error answer raises InvocationError."""
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self._start()
            request_id = str(uuid.uuid4())
            answers = self.api.answers.setdefault(request_id, queue.Queue())
            self.api.events.put((request_id, json.dumps(event).encode()))
            self.invocations += 1
            deadline = time.monotonic() + timeout
            while True:
                try:
                    kind, body = answers.get(timeout=0.2)
                    break
                except queue.Empty:
                    if self.process.poll() is not None:
                        raise InvocationError(f"{self.name} exited with {self.process.returncode} (see {self.log_path})")
                    if time.monotonic() > deadline:
                        raise InvocationError(f"{self.name} did not answer within {timeout} s")
            del self.api.answers[request_id]
            if kind == "error":
                raise InvocationError(f"{self.name}: {body.decode(errors='replace')}")
            return json.loads(body) if body else {}
