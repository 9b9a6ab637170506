#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Charts of the demo's and the connection-rate bench's results, as SVG.

    plot_bench.py OUT.svg locality TITLE LABEL=LOADGEN.json...
        per server CPU: the connections each worker accepted, local and not,
        one panel per run (the demo's text table, drawn)
    plot_bench.py OUT.svg matrix TITLE ROWS.tsv
        conn/s per mode, one panel per scenario, each bar labelled with its
        locality, spread and ratio to SO_INCOMING_CPU (tools/bench_conn.sh's
        rows: scenario mode conn_s locality_pct ratio spread ...; conn_s "n/a" for
        a mode that could not run)

Called by tools/bench_env.sh's plot(), with Debian's python3-matplotlib.
"""
import json
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

# Stable output: no date, no random ids, so a committed chart diffs cleanly.
plt.rcParams["svg.hashsalt"] = "steer"
plt.rcParams["font.size"] = 9
SAVE = {"format": "svg", "metadata": {"Date": None}, "bbox_inches": "tight"}
LOCAL, REMOTE = "#2b8cbe", "#fdae6b"


def locality(out, title, runs):
    data = []
    for run in runs:
        label, path = run.split("=", 1)
        with open(path) as f:
            data.append((label, json.load(f)))
    cpus = sorted({c["cpu"] for _, r in data for c in r["per_server_cpu"]})
    fig, axes = plt.subplots(1, len(data), sharey=True,
                             figsize=(2.6 * len(data) + 0.8, 3.2),
                             squeeze=False)
    for ax, (label, r) in zip(axes[0], data):
        per = {c["cpu"]: c for c in r["per_server_cpu"]}
        local = [per.get(c, {}).get("local", 0) for c in cpus]
        other = [per.get(c, {}).get("accepted", 0) - l
                 for c, l in zip(cpus, local)]
        x = range(len(cpus))
        ax.bar(x, local, color=LOCAL, label="local")
        ax.bar(x, other, bottom=local, color=REMOTE, label="not local")
        ax.set_xticks(list(x), [str(c) for c in cpus])
        ax.set_xlabel("server CPU (worker)")
        ax.set_title(f"{label}\n{r['locality_pct']:.1f}% local, "
                     f"{r['conn_rate']:.0f} conn/s", fontsize=9)
    axes[0][0].set_ylabel("connections accepted")
    axes[0][-1].legend(loc="upper right", fontsize=8)
    fig.suptitle(title, y=1.06)
    fig.savefig(out, **SAVE)


def matrix(out, title, rows_path):
    rows = []
    with open(rows_path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                rows.append(line.split())
    scenarios = list(dict.fromkeys(r[0] for r in rows))
    modes = list(dict.fromkeys(r[1] for r in rows))
    top = max([float(r[2]) for r in rows if r[2] != "n/a"] or [1])
    fig, axes = plt.subplots(1, len(scenarios), sharey=True,
                             figsize=(3.4 * len(scenarios) + 0.8, 3.6),
                             squeeze=False)
    for ax, sc in zip(axes[0], scenarios):
        by = {r[1]: r for r in rows if r[0] == sc}
        for i, mode in enumerate(modes):
            r = by.get(mode)
            if not r or r[2] == "n/a":
                ax.text(i, top * 0.02, "n/a", ha="center", va="bottom",
                        rotation=90, color="gray")
                continue
            rate, loc, ratio, spread = float(r[2]), float(r[3]), r[4], r[5]
            ax.bar(i, rate, color=LOCAL if loc >= 99 else REMOTE)
            ax.text(i, rate, f"{loc:.0f}%\n{spread}\n×{ratio}",
                    ha="center", va="bottom", fontsize=7)
        ax.set_xticks(range(len(modes)), modes, rotation=35, ha="right")
        ax.set_title(f"scenario {sc}")
        ax.set_ylim(0, top * 1.3)
    axes[0][0].set_ylabel("connections/s")
    fig.suptitle(title, y=1.06)
    fig.text(0.5, -0.16, "above each bar: locality measured by the clients;"
             " busiest worker / mean;\n× SO_INCOMING_CPU (incoming) in the"
             " same scenario. Blue: ≥ 99% local", ha="center", fontsize=8)
    fig.savefig(out, **SAVE)


def main(argv):
    if len(argv) < 5 or argv[2] not in ("locality", "matrix"):
        sys.stderr.write(__doc__)
        return 2
    out, kind, title = argv[1], argv[2], argv[3]
    if kind == "locality":
        locality(out, title, argv[4:])
    else:
        matrix(out, title, argv[4])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
