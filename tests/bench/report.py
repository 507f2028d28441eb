#!/usr/bin/env python3
"""One table from the parts of tests/bench/run.sh (its results folder): ratios Harbour/peer and the
targets of issue 7, as Markdown and JSON. Standard library only."""
import argparse
import glob
import json
import os


def load(path):
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and isinstance(data.get("runs"), list) and data["runs"]:
        return data["runs"][0]
    return data


def fmt(x, digits=0):
    if x is None:
        return "–"
    return f"{x:,.{digits}f}".replace(",", " ")


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--meta", nargs="*", default=[])
    ap.add_argument("--md", required=True)
    ap.add_argument("--json", required=True)
    a = ap.parse_args()
    meta = dict(m.split("=", 1) for m in a.meta)
    wrk = {}
    for path in glob.glob(os.path.join(a.folder, "wrk-*.json")):
        r = load(path)
        if r:
            wrk[r["name"]] = r

    def w(name, key):
        r = wrk.get(name)
        if not r or not isinstance(r.get("wrk"), dict):
            return None
        return r["wrk"].get(key)

    def cpu_us(name):
        r = wrk.get(name)
        if not r or not r.get("wrk") or not r["wrk"].get("requests"):
            return None
        return r["server_cpu_s"] * 1e6 / r["wrk"]["requests"]

    def errors(name):
        r = wrk.get(name)
        if not r or not isinstance(r.get("wrk"), dict):
            return None
        x = r["wrk"]
        return x["non2xx"] + x["connect_errors"] + x["read_errors"] + x["write_errors"] + x["timeouts"]

    wall = {}
    for path in glob.glob(os.path.join(a.folder, "wall-*.json")):
        r = load(path)
        if r:
            wall[os.path.basename(path)[5:-5]] = r
    micro = load(os.path.join(a.folder, "micro.json"))
    seed = load(os.path.join(a.folder, "seed.json")) or {}

    out = {"meta": meta, "seed": seed, "targets": [], "http": {}, "wall": {}, "micro": []}
    md = []
    md.append("# Harbour against the reference stacks\n")
    md.append(f"{meta.get('date', '')}; commit {meta.get('commit', '')}; {meta.get('ncpu', '')} CPUs ({meta.get('cpu', '')}); "
              f"servers pinned to one core, loads on the other; all over TLS on 127.0.0.1. {meta.get('harbour', '')}; "
              f"Node {meta.get('node', '')} (fastify + better-sqlite3, ws); {meta.get('nginx', '')}; {meta.get('openssl', '')}.")
    counts = seed.get("counts", {})
    md.append(f"Database: {counts.get('networks', '?')} networks, {fmt(counts.get('topics'))} topics, {fmt(counts.get('replies'))} replies, "
              f"{fmt(counts.get('members'))} members, {seed.get('sessions', '?')} signed-in sessions (seeded in {meta.get('seed_ms', '?')} ms). "
              f"Topic list answer: {meta.get('topic_list_bytes', '?')} bytes; fastify's answer byte-identical to Harbour's: {meta.get('fastify_same_answer', '?')}.\n")

    # --- HTTP
    rows = []
    for label, key in (("GET topic list, 64 connections", "get-{}-64"), ("GET topic list, 512 connections", "get-{}-512"),
                       (f"GET topic list, paced (~{meta.get('paced_rate', '?')} req/s)", "paced-{}"),
                       ("POST reply (synchronous=FULL)", "post-{}")):
        h, f, n = (key.format(t) for t in ("harbour", "fastify", "nginx"))
        if h not in wrk:
            continue
        row = {"load": label, "harbour_rps": w(h, "rps"), "fastify_rps": w(f, "rps"), "nginx_rps": w(n, "rps"),
               "harbour_p50_ms": w(h, "p50_ms"), "harbour_p99_ms": w(h, "p99_ms"),
               "fastify_p99_ms": w(f, "p99_ms"), "nginx_p99_ms": w(n, "p99_ms"),
               "harbour_cpu_us": cpu_us(h), "fastify_cpu_us": cpu_us(f), "nginx_cpu_us": cpu_us(n),
               "harbour_errors": errors(h), "fastify_errors": errors(f), "nginx_errors": errors(n)}
        rows.append(row)
        out["http"][key.format("*")] = row
    if rows:
        md.append("## HTTP (wrk)\n")
        md.append("| load | Harbour req/s | fastify req/s | nginx req/s | Harbour/fastify | Harbour/nginx | p99 ms Harbour / fastify / nginx | server CPU µs/req Harbour / fastify / nginx | errors H / F / N |")
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            md.append(f"| {r['load']} | {fmt(r['harbour_rps'])} | {fmt(r['fastify_rps'])} | {fmt(r['nginx_rps'])} | "
                      f"{fmt(ratio(r['harbour_rps'], r['fastify_rps']), 2)} | {fmt(ratio(r['harbour_rps'], r['nginx_rps']), 2)} | "
                      f"{fmt(r['harbour_p99_ms'], 2)} / {fmt(r['fastify_p99_ms'], 2)} / {fmt(r['nginx_p99_ms'], 2)} | "
                      f"{fmt(r['harbour_cpu_us'], 1)} / {fmt(r['fastify_cpu_us'], 1)} / {fmt(r['nginx_cpu_us'], 1)} | "
                      f"{fmt(r['harbour_errors'])} / {fmt(r['fastify_errors'])} / {fmt(r['nginx_errors'])} |")
        md.append("")

    if "paced-harbour-during-signin" in wrk:
        burst = wrk.get("signin-burst", {}).get("wrk") or {}
        alone, during = "paced-harbour", "paced-harbour-during-signin"
        s = {"paced_alone_p50_ms": w(alone, "p50_ms"), "paced_alone_p99_ms": w(alone, "p99_ms"),
             "paced_during_p50_ms": w(during, "p50_ms"), "paced_during_p99_ms": w(during, "p99_ms"),
             "paced_during_rps": w(during, "rps"), "paced_during_errors": errors(during),
             "signin_attempts_per_s": burst.get("rps"), "signin_refused": burst.get("non2xx"),
             "signin_p50_ms": burst.get("p50_ms"), "signin_p99_ms": burst.get("p99_ms")}
        out["http"]["signin_burst"] = s
        md.append("## Sign-in burst (argon2id) and the topic list\n")
        md.append("| | topic list p50 ms | topic list p99 ms | topic list req/s | sign-ins answered/s | sign-ins refused (4xx/5xx) | sign-in p50 / p99 ms |")
        md.append("|---|---:|---:|---:|---:|---:|---:|")
        md.append(f"| paced topic list alone | {fmt(s['paced_alone_p50_ms'], 2)} | {fmt(s['paced_alone_p99_ms'], 2)} | {fmt(w(alone, 'rps'))} | | | |")
        md.append(f"| ... during the sign-in burst | {fmt(s['paced_during_p50_ms'], 2)} | {fmt(s['paced_during_p99_ms'], 2)} | {fmt(s['paced_during_rps'])} | "
                  f"{fmt(s['signin_attempts_per_s'], 1)} | {fmt(s['signin_refused'])} | {fmt(s['signin_p50_ms'], 1)} / {fmt(s['signin_p99_ms'], 1)} |")
        md.append("")

    # --- Wall
    def steps_of(name):
        return wall.get(name, {}).get("steps") or []

    def capacity(name):
        return wall.get(name, {}).get("capacity") or {}

    def idle_kib(name):
        return (wall.get(name, {}).get("memory") or {}).get("kib_per_idle_socket")

    big = next((k[len("harbour-"):] for k in wall if k.startswith("harbour-") and k.endswith("-10ps")), None)
    big_n = big[: -len("-10ps")] if big else None
    if wall:
        md.append("## The Wall: fan-out over wss (C++ client, tests/bench/ws_fanout.cpp)\n")
        for name, label in (("harbour-1k-steps", "Harbour"), ("ws-1k-steps", "ws (Node)")):
            st = steps_of(name)
            if not st:
                continue
            md.append(f"{label}, 1,000 receivers, rate stepped up:\n")
            md.append("| rate/s | posted/s | deliveries/s | delivered | p50 / p99 / max ms | server µs/delivery | SLO |")
            md.append("|---:|---:|---:|---:|---:|---:|---|")
            for s in st:
                lat = s.get("latency_ms") or {}
                md.append(f"| {fmt(s.get('rate_target_per_s'))}{' (warm-up)' if s.get('warmup') else ''} | {fmt(s.get('posted_per_s'), 1)} | {fmt(s.get('delivered_per_s'))} | "
                          f"{fmt(100 * (s.get('delivered_ratio') or 0), 2)} % | {fmt(lat.get('p50'), 1)} / {fmt(lat.get('p99'), 1)} / {fmt(lat.get('max'), 1)} | "
                          f"{fmt(s.get('server_cpu_us_per_delivery'), 2)} | {'met' if s.get('slo_met') else 'missed: ' + ', '.join(map(str, s.get('slo_failures') or []))} |")
            md.append("")
        hc, wc = capacity("harbour-1k-steps"), capacity("ws-1k-steps")
        out["wall"]["capacity_1k"] = {"harbour": hc, "ws": wc,
                                      "ratio": ratio(hc.get("deliveries_per_s"), wc.get("deliveries_per_s"))}
        if big:
            hb, wb = wall.get(f"harbour-{big}") or {}, wall.get(f"ws-{big}") or {}
            out["wall"]["big"] = {"receivers": big_n, "harbour": hb.get("delivery"), "ws": wb.get("delivery")}
        out["wall"]["idle_kib"] = {k: idle_kib(k) for k in wall}

    # --- Targets
    def target(name, measured, required, ok, note=""):
        out["targets"].append({"target": name, "measured": measured, "required": required, "met": ok, "note": note})

    r64 = out["http"].get("get-*-64")
    if r64:
        x = ratio(r64["harbour_rps"], r64["fastify_rps"])
        target("GET topic list req/s vs fastify (64 conn.)", f"{fmt(x, 2)}x", ">= 4x", x is not None and x >= 4)
        x = ratio(r64["harbour_rps"], r64["nginx_rps"])
        target("GET topic list req/s vs nginx static (64 conn.)", f"{fmt(x, 2)}x", ">= 0.5x", x is not None and x >= 0.5)
    r512 = out["http"].get("get-*-512")
    if r512:
        x = ratio(r512["harbour_rps"], r512["fastify_rps"])
        target("GET topic list req/s vs fastify (512 conn.)", f"{fmt(x, 2)}x", ">= 4x", x is not None and x >= 4)
        x = ratio(r512["harbour_rps"], r512["nginx_rps"])
        target("GET topic list req/s vs nginx static (512 conn.)", f"{fmt(x, 2)}x", ">= 0.5x", x is not None and x >= 0.5)
    paced = out["http"].get("paced-*")
    if paced:
        x = ratio(paced["harbour_p99_ms"], paced["fastify_p99_ms"])
        target("paced p99 vs fastify's", f"{fmt(x, 2)}x ({fmt(paced['harbour_p99_ms'], 2)} vs {fmt(paced['fastify_p99_ms'], 2)} ms)", "<= 0.5x",
               x is not None and x <= 0.5)
    post = out["http"].get("post-*")
    if post:
        x = ratio(post["harbour_rps"], post["fastify_rps"])
        target("POST reply rate vs fastify (durable)", f"{fmt(x, 2)}x ({fmt(post['harbour_rps'])} vs {fmt(post['fastify_rps'])}/s)", ">= 3x",
               x is not None and x >= 3 and not post["harbour_errors"])
    cap = out["wall"].get("capacity_1k")
    if cap and cap["harbour"] and cap["ws"]:
        x = cap["ratio"]
        note = ""
        if cap["ws"].get("met") and cap["ws"].get("first_failing_rate_per_s") is None:
            note = "ws met the SLO at every step run"
        if cap["harbour"].get("first_failing_rate_per_s") is None:
            note = (note + "; " if note else "") + "Harbour met the SLO at every step run: its capacity is at least this"
        target("Wall capacity within SLO, 1,000 receivers, vs ws",
               f"{fmt(x, 2)}x ({fmt(cap['harbour'].get('deliveries_per_s'))} vs {fmt(cap['ws'].get('deliveries_per_s'))} deliveries/s)",
               ">= 1.5x", x is not None and x >= 1.5, note)
    bigr = out["wall"].get("big")
    if bigr and bigr.get("harbour"):
        d = bigr["harbour"]
        p99 = (d.get("latency_ms") or {}).get("p99")
        target(f"Wall {bigr['receivers']} receivers at 10 broadcasts/s: p99", f"{fmt(p99, 1)} ms, {fmt(d.get('completeness'), 3)} % delivered, ratio {fmt(d.get('ratio'), 3)}",
               "<= 250 ms", p99 is not None and p99 <= 250 and (d.get("lost") or 0) == 0)
    idle = out["wall"].get("idle_kib") or {}
    h_idle = idle.get(f"harbour-{big}") if big else None
    w_idle = idle.get(f"ws-{big}") if big else None
    if h_idle is not None and w_idle:
        x = ratio(h_idle, w_idle)
        target("RSS per idle wss connection vs ws", f"{fmt(x, 2)}x ({fmt(h_idle, 1)} vs {fmt(w_idle, 1)} KiB)", "<= 1x (stretch 0.5x)",
               x is not None and x <= 1)

    if out["targets"]:
        md.append("## Targets\n")
        md.append("| target | measured | required | met |")
        md.append("|---|---:|---:|---|")
        for t in out["targets"]:
            md.append(f"| {t['target']} | {t['measured']} | {t['required']} | {'yes' if t['met'] else '**no**'}{(' (' + t['note'] + ')') if t['note'] else ''} |")
        md.append("")
    if big:
        md.append(f"Wall with {big_n} receivers at 10 broadcasts/s:\n")
        md.append("| server | delivered | ratio | p50 / p99 / max ms | KiB per idle connection |")
        md.append("|---|---:|---:|---:|---:|")
        for k, label in ((f"harbour-{big}", "Harbour"), (f"ws-{big}", "ws (Node)")):
            d = (wall.get(k) or {}).get("delivery") or {}
            lat = d.get("latency_ms") or {}
            md.append(f"| {label} | {fmt(d.get('completeness'), 3)} % | {fmt(d.get('ratio'), 3)} | {fmt(lat.get('p50'), 1)} / {fmt(lat.get('p99'), 1)} / {fmt(lat.get('max'), 1)} | {fmt(idle.get(k), 1)} |")
        md.append("")

    if micro and micro.get("benchmarks"):
        md.append("## Microbenchmarks (Google Benchmark, harbour_micro)\n")
        md.append("| benchmark | CPU time | items/s |")
        md.append("|---|---:|---:|")
        for b in micro["benchmarks"]:
            if b.get("run_type") == "aggregate":
                continue
            unit = b.get("time_unit", "ns")
            md.append(f"| {b['name']} | {fmt(b.get('cpu_time'), 2)} {unit} | {fmt(b.get('items_per_second'))} |")
            out["micro"].append({"name": b["name"], "cpu_time": b.get("cpu_time"), "time_unit": unit,
                                 "items_per_second": b.get("items_per_second")})
        md.append("")

    with open(a.md, "w") as f:
        f.write("\n".join(md) + "\n")
    with open(a.json, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
