#!/usr/bin/env python3
"""The attacks of attack-bench.sh, from one source address, until SIGTERM/SIGINT:

  slow-heads  PORT COUNT SOURCE              COUNT connections, each sending one header line a
                                             second and never finishing its head
  slow-bodies PORT COUNT SOURCE TOKEN PATH   COUNT connections, each sending a whole POST head
                                             (a valid token) and never its body
  pipeline    PORT COUNT SOURCE              COUNT connections, each sending pipelined
                                             GET /metrics as fast as the socket takes them and
                                             never reading an answer

A connection the server closes is opened again. On exit it prints one line to stderr: how
many connections were open at the end and how many the server closed.
"""
import asyncio
import signal
import sys

closed_by_server = 0
open_now = 0


async def keep_attacking(port, source, session, pause):
    """Runs `session(reader, writer)` on a connection, again and again: when the server ends
    one, it is counted and, `pause` seconds later, opened anew."""
    global closed_by_server, open_now
    while True:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0), limit=1 << 16)
        except OSError:
            await asyncio.sleep(0.5)
            continue
        open_now += 1
        try:
            await session(reader, writer)
        except (OSError, ConnectionError):
            pass
        open_now -= 1
        closed_by_server += 1
        writer.close()
        await asyncio.sleep(pause)


async def slow_head(reader, writer):
    writer.write(b"GET /v1/documents/7 HTTP/1.1\r\nHost: x\r\n")
    line = 0
    while not reader.at_eof():
        await asyncio.sleep(1)
        writer.write(b"X-Slow-%d: 1\r\n" % line)
        await writer.drain()
        line += 1


def slow_body(token, path):
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    ).encode()

    async def session(reader, writer):
        writer.write(head)
        await writer.drain()
        # Wait for the server to refuse, or to give up on the body.
        while not reader.at_eof():
            await reader.read(65536)

    return session


PIPELINED = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 2000


async def pipeline(reader, writer):
    while True:
        writer.write(PIPELINED)
        await writer.drain()


async def main():
    mode, port, count, source = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    # A slow client the server ended comes back at once; a refused one a second later, as a
    # slow client would, rather than turning into a flood of requests.
    if mode == "slow-heads":
        tasks = [keep_attacking(port, source, slow_head, 0) for _ in range(count)]
    elif mode == "slow-bodies":
        tasks = [keep_attacking(port, source, slow_body(sys.argv[5], sys.argv[6]), 1) for _ in range(count)]
    elif mode == "pipeline":
        tasks = [keep_attacking(port, source, pipeline, 0.05) for _ in range(count)]
    else:
        sys.exit(f"unknown mode {mode}")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    running = [asyncio.ensure_future(task) for task in tasks]
    await stop.wait()
    print(f"{mode}: {open_now} open at the end, {closed_by_server} closed by the server", file=sys.stderr)
    for task in running:
        task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
