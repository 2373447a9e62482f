#!/usr/bin/env python3
"""The Python side of the model-client benchmark (`make bench`, BENCHMARKS.md).

    python openai_client_bench.py BASE_URL REQUESTS CONCURRENCY [IMAGE.jpg]

Sends REQUESTS chat completions to an OpenAI-compatible endpoint with the official `openai` package's
`AsyncOpenAI` on asyncio, at most CONCURRENCY in flight (an asyncio.Semaphore bounds the tasks), and prints one
JSON line like `loom-bench llm`: requests, seconds, requests_per_second, cpu_seconds, cpu_ms_per_request (this
process only, getrusage), peak_rss_mb (VmHWM), failures.

Each request is the one `loom-bench llm` sends (benchmarks/LoomBench/LLMBenchmark.swift; keep the texts in sync): a
system message, and a user message with ~300 characters of text plus " (item N)" and, when IMAGE is given, that JPEG
as one `data:image/jpeg;base64,...` image part (detail "auto"), base64-encoded per request as a pipeline that sends
a different image each time would; temperature 0.2, max_tokens 256. No retries (max_retries=0); the httpx
connection pool is sized to CONCURRENCY so it does not cap the client below it.
"""
import asyncio
import base64
import json
import resource
import sys
import time

import openai
from openai import AsyncOpenAI

try:
    import httpx2 as httpx  # the HTTP library of openai >= 3
except ImportError:  # openai 1.x and 2.x
    import httpx

SYSTEM = "You are a careful annotator building a vision-language dataset. Describe only what is visible. Answer in JSON."
USER = (
    "Write a detailed description of this image for a visual instruction-tuning dataset. Mention every object, "
    "its colour, shape, material and size, where it is relative to the others, and any text on signs. Then write "
    "three questions about the image with short answers. Return an object with the keys caption and questions."
)


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(base_url, requests, concurrency, image):
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    client = AsyncOpenAI(
        base_url=base_url, api_key="x", max_retries=0, timeout=120,
        http_client=openai.DefaultAsyncHttpxClient(limits=limits))

    def messages(index):
        text = {"type": "text", "text": f"{USER} (item {index})"}
        content = [text]
        if image is not None:
            url = "data:image/jpeg;base64," + base64.b64encode(image).decode("ascii")
            content.append({"type": "image_url", "image_url": {"url": url, "detail": "auto"}})
        return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": content}]

    failures = 0
    first_failure = None

    async def one(index):
        nonlocal failures, first_failure
        try:
            reply = await client.chat.completions.create(
                model="mock", messages=messages(index), temperature=0.2, max_tokens=256)
            if not reply.choices[0].message.content:
                raise ValueError("empty reply")
        except Exception as error:  # counted, like Loom's failures
            failures += 1
            if first_failure is None:
                first_failure = repr(error)
        finally:
            gate.release()

    gate = asyncio.Semaphore(concurrency)
    pending = set()
    start_cpu = cpu_seconds()
    start = time.perf_counter()
    for index in range(requests):
        await gate.acquire()
        task = asyncio.create_task(one(index))
        pending.add(task)
        task.add_done_callback(pending.discard)
    while pending:
        await asyncio.gather(*list(pending))
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() - start_cpu
    await client.close()
    if first_failure:
        print(f"openai_client_bench: {failures} failure(s), first: {first_failure}", file=sys.stderr)
    return {
        "client": f"python-openai-{openai.__version__}", "requests": requests, "concurrency": concurrency,
        "seconds": round(seconds, 3), "requests_per_second": round(requests / seconds, 1),
        "cpu_seconds": round(cpu, 3), "cpu_ms_per_request": round(cpu * 1000 / requests, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1), "failures": failures,
        "image_bytes": len(image) if image is not None else 0,
    }


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: openai_client_bench.py BASE_URL REQUESTS CONCURRENCY [IMAGE.jpg]")
    image = open(sys.argv[4], "rb").read() if len(sys.argv) == 5 else None
    result = asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), image))
    print(json.dumps(result, sort_keys=True))
