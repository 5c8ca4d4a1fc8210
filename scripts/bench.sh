#!/usr/bin/env bash
# Whole-registry benchmark of registryctl (issue 12).
#
#   bash scripts/bench.sh                        # sizes 1000 10000 100000
#   BENCH_SIZES="1000 10000" bash scripts/bench.sh
#
# Builds the release binary once, generates synthetic registries with the gen-registry example
# (benches/gen_registry.rs)
# (reused when already complete), warms the page cache, and times each command BENCH_RUNS times
# (default 3) under /usr/bin/time -v. Prints one markdown table to stdout: median wall time,
# max peak RSS, the YAML the command reads, RSS/YAML, CPU time, and each target met or missed.
# Progress goes to stderr, so `bash scripts/bench.sh > out.md` keeps only the report.
#
# Environment:
#   BENCH_SIZES     registry sizes in servers (default "1000 10000 100000")
#   BENCH_DIR       scratch directory for registries and the binary copy (default /tmp/registryctl-bench)
#   BENCH_RUNS      runs per command, median taken (default 3)
#   BENCH_THREADS1  1 (default) also times the 10k commands with --threads 1 to show the parallel speed-up
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sizes=${BENCH_SIZES:-"1000 10000 100000"}
scratch=${BENCH_DIR:-/tmp/registryctl-bench}
runs=${BENCH_RUNS:-3}
threads1=${BENCH_THREADS1:-1}

log() { printf '%s\n' "$*" >&2; }
die() { log "bench.sh: $*"; exit 2; }

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer"
for n in $sizes; do
    if ! [[ $n =~ ^[1-9][0-9]*$ ]] || ((n > 100000)); then
        die "BENCH_SIZES: \`$n\` is not a size between 1 and 100000"
    fi
done

if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time (/usr/bin/time is missing)"
    if [[ $(id -u) -eq 0 ]]; then
        apt-get install -y time >&2 || { apt-get update >&2 && apt-get install -y time >&2; }
    else
        sudo apt-get install -y time >&2
    fi
fi

now() {
    # Microsecond wall clock; bash 5 has EPOCHREALTIME, older shells fall back to date.
    if [[ -n ${EPOCHREALTIME:-} ]]; then printf '%s\n' "${EPOCHREALTIME/,/.}"; else date +%s.%N; fi
}

mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

log "== building the release binary"
(cd "$repo" && cargo build --release --locked --bin registryctl --example gen-registry >&2)
# A private copy: a rebuild in the working tree during the run must not change what is measured.
bin="$scratch/registryctl"
cp "$repo/target/release/registryctl" "$bin.tmp"
mv -f "$bin.tmp" "$bin"

# --- synthetic registries --------------------------------------------------------------------

# Disk a registry of n servers takes: ~1.2 versions per server, two files each, plus directories;
# about 17 KB per server on ext4 with 4 KB blocks (173 MB measured for 10k), doubled for safety.
need_kb() { echo $(($1 * 35)); }

yaml_bytes() { # total bytes of the .yaml files under the given directories
    find "$@" -type f -name '*.yaml' -printf '%s\n' | awk '{ s += $1 } END { printf "%d\n", s }'
}

declare -A dirs=()
ready_sizes=()
for n in $sizes; do
    dir="$scratch/reg-$n"
    stamp="$scratch/reg-$n.complete"
    if [[ -f $stamp && -d $dir/manifests && -d $dir/toolspecs ]]; then
        log "== reusing $dir"
    else
        avail_kb=$(df -Pk "$scratch" | awk 'NR == 2 { print $4 }')
        if ((avail_kb < $(need_kb "$n"))); then
            log "== SKIPPING $n servers: $((avail_kb / 1024)) MB free in $scratch, about $(($(need_kb "$n") / 1024)) MB needed (set BENCH_DIR elsewhere)"
            continue
        fi
        log "== generating $n servers into $dir"
        rm -rf "$dir" "$stamp"
        "$repo/target/release/examples/gen-registry" "$n" "$dir" >&2
        touch "$stamp"
    fi
    dirs[$n]=$dir
    ready_sizes+=("$n")
done

# --- measuring -------------------------------------------------------------------------------

rows=()
declare -A wall=() rss=()

# measure KEY LABEL_REGISTRY LABEL_COMMAND YAML_BYTES WORKDIR CMD...
# Runs CMD $runs times in WORKDIR; stores the median wall seconds and max RSS (KB) under KEY.
measure() {
    local key=$1 reg=$2 label=$3 ybytes=$4 wd=$5
    shift 5
    local walls=() cpus=() max_rss=0 codes="" i t0 t1 code out
    out=$(mktemp "$scratch/time.XXXXXX")
    for ((i = 0; i < runs; i++)); do
        t0=$(now)
        code=0
        (cd "$wd" && /usr/bin/time -v -o "$out" "$@" >/dev/null 2>&1) || code=$?
        t1=$(now)
        walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
        local r u s
        r=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out")
        u=$(awk -F': ' '/User time \(seconds\)/ { print $2 }' "$out")
        s=$(awk -F': ' '/System time \(seconds\)/ { print $2 }' "$out")
        cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')")
        ((r > max_rss)) && max_rss=$r
        [[ " $codes " == *" $code "* ]] || codes="${codes:+$codes,}$code"
    done
    rm -f "$out"
    local med cpu_med
    med=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    cpu_med=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    wall[$key]=$med
    rss[$key]=$max_rss
    log "   $reg | $label: median ${med}s (runs: ${walls[*]}), peak RSS $((max_rss / 1024)) MB, exit $codes"
    ROW_REG=$reg ROW_LABEL=$label ROW_YBYTES=$ybytes ROW_CODES=$codes ROW_CPU=$cpu_med
}

# row KEY TARGET_TEXT VERDICT
row() {
    local key=$1 target=$2 verdict=$3
    rows+=("$(awk -v reg="$ROW_REG" -v label="$ROW_LABEL" -v w="${wall[$key]}" -v r="${rss[$key]}" -v y="$ROW_YBYTES" \
        -v cpu="$ROW_CPU" -v codes="$ROW_CODES" -v target="$target" -v verdict="$verdict" 'BEGIN {
        wf = (w < 0.1) ? sprintf("%.4f", w) : sprintf("%.3f", w)
        ratio = (y >= 1e6) ? sprintf("%.2f", (r * 1024) / y) : "—"
        printf "| %s | `%s` | %s | %.1f | %.2f | %s | %s | %s | %s | %s |", reg, label, wf, r / 1024, y / 1e6, ratio, cpu, codes, target, verdict
    }')")
}

size_label() { # 1000 -> 1k, 100000 -> 100k, 1500 -> 1500
    if (($1 % 1000 == 0)); then echo "$(($1 / 1000))k"; else echo "$1"; fi
}

# le A B: "met" when A <= B, else "missed"
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "met" : "**missed**" }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? "met" : "**missed**" }'; }

log "== own catalog ($repo)"
own_yaml=$(yaml_bytes "$repo/manifests" "$repo/toolspecs")
find "$repo/manifests" "$repo/toolspecs" "$repo/denylist" "$repo/policy" -type f -exec cat {} + >/dev/null
single=manifests/asana/0.1.0.yaml
[[ -f $repo/$single ]] || single=$(cd "$repo" && find manifests -name '*.yaml' | sort | head -1)
measure floor "own catalog" "--version (process start-up floor)" 0 "$repo" "$bin" --version
row floor "—" "—"
measure own-check "own catalog" "check ." "$own_yaml" "$repo" "$bin" check .
row own-check "< 0.030 s" "$(lt "${wall[own-check]}" 0.030)"
measure own-single "own catalog" "lint $single" "$(stat -c %s "$repo/$single")" "$repo" "$bin" lint "$single"
row own-single "< 0.010 s" "$(lt "${wall[own-single]}" 0.010)"

declare -A target10k=([lint]=0.35 [lint-toolspecs]=0.6 [build-index]=0.4 [check]=0.7)
commands=(lint lint-toolspecs build-index check)

run_registry() { # run_registry N [extra flags...]
    local n=$1
    shift
    local dir=${dirs[$n]} suffix="" reg m_bytes t_bytes
    [[ $# -gt 0 ]] && suffix=" $*"
    reg="synthetic $(size_label "$n")"
    m_bytes=$(yaml_bytes "$dir/manifests")
    t_bytes=$(yaml_bytes "$dir/toolspecs")
    for c in "${commands[@]}"; do
        local key="$n-$c${suffix// /}" ybytes argv label
        case $c in
        lint) argv=(lint manifests) ybytes=$m_bytes ;;
        lint-toolspecs) argv=(lint-toolspecs toolspecs) ybytes=$((m_bytes + t_bytes)) ;;
        build-index) argv=(build-index manifests --out "$scratch/index-$n.json") ybytes=$m_bytes ;;
        check) argv=(check .) ybytes=$((m_bytes + t_bytes)) ;;
        esac
        label="${argv[*]}${suffix}"
        label=${label//$scratch\//}
        measure "$key" "$reg" "$label" "$ybytes" "$dir" "$bin" "$@" "${argv[@]}"
        local target="—" verdict="—"
        if [[ -n $suffix ]]; then
            target="speed-up of default threads over --threads 1: $(awk -v a="${wall[$key]}" -v b="${wall[$n-$c]}" 'BEGIN { printf "%.2f×", a / b }')"
        elif ((n == 10000)); then
            target="≤ ${target10k[$c]} s"
            verdict=$(le "${wall[$key]}" "${target10k[$c]}")
        elif ((n == 100000)) && [[ -n ${wall[10000-$c]:-} ]]; then
            local limit rss_ok time_ok
            limit=$(awk -v t="${wall[10000-$c]}" 'BEGIN { printf "%.2f", 11 * t }')
            time_ok=$(le "${wall[$key]}" "$limit")
            rss_ok=$(le "$((rss[$key] * 1024))" "$((4 * ybytes))")
            target="≤ 11× 10k = $limit s; RSS ≤ 4× YAML"
            verdict="time $time_ok; RSS $rss_ok"
        elif ((n == 100000)); then
            target="RSS ≤ 4× YAML"
            verdict="RSS $(le "$((rss[$key] * 1024))" "$((4 * ybytes))")"
        fi
        row "$key" "$target" "$verdict"
    done
}

# The head side of `diff`: a copy of the registry with a pull request's worth of changes (one
# server's tools switched on by default, one more egress host, a description reworded, a
# server removed, one added). Reused like the registries.
make_head() { # make_head DIR HEAD_DIR
    local dir=$1 head=$2
    [[ -f $head.complete && -d $head/manifests ]] && return 0
    rm -rf "$head" "$head.complete"
    cp -a "$dir" "$head"
    sed -i 's/default: false/default: true/' "$head"/manifests/svc-00042/*.yaml
    sed -i '0,/^  egress:$/s//  egress:\n    - files.bench-change.example/' "$head/manifests/svc-00100/0.1.0.yaml"
    sed -i 's/^description: /description: Reworded: /' "$head/manifests/svc-00200/0.1.0.yaml"
    rm -rf "$head/manifests/svc-00300" "$head/toolspecs/svc-00300"
    local kind
    for kind in manifests toolspecs; do
        cp -a "$head/$kind/svc-00001" "$head/$kind/svc-added"
        sed -i 's/^name: svc-00001$/name: svc-added/' "$head/$kind/svc-added"/*.yaml
    done
    touch "$head.complete"
}

# diff BASE HEAD over two copies of the N-server registry (sizes up to 10k: the copy doubles
# the disk a registry takes).
run_diff() { # run_diff N
    local n=$1 dir=${dirs[$1]} head="$scratch/reg-$1-head" ybytes
    if ((n > 10000)); then return 0; fi
    if (($(df -Pk "$scratch" | awk 'NR == 2 { print $4 }') < $(need_kb "$n"))); then
        log "== SKIPPING diff at $n servers: not enough disk for the head copy"
        return 0
    fi
    log "== $n servers: the head tree for diff ($head)"
    make_head "$dir" "$head"
    find "$head" -type f -exec cat {} + >/dev/null
    ybytes=$(($(yaml_bytes "$dir") + $(yaml_bytes "$head")))
    measure "$n-diff" "synthetic $(size_label "$n") ×2" "diff reg-$n reg-$n-head" "$ybytes" "$scratch" "$bin" diff "reg-$n" "reg-$n-head"
    if ((n == 10000)); then
        row "$n-diff" "< 0.5 s (well under a second)" "$(lt "${wall[$n-diff]}" 0.5)"
    else
        row "$n-diff" "—" "—"
    fi
}

for n in "${ready_sizes[@]}"; do
    log "== $n servers (${dirs[$n]}): warming the page cache"
    find "${dirs[$n]}" -type f -exec cat {} + >/dev/null
    run_registry "$n"
    if ((n == 10000)) && [[ $threads1 == 1 ]]; then
        run_registry "$n" --threads 1
    fi
    run_diff "$n"
done

# --- report ----------------------------------------------------------------------------------

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
cat <<EOF
## registryctl benchmark

- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- machine: $(nproc) CPU(s), ${cpu_model:-unknown CPU}, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)
- toolchain: $(rustc --version)
- binary: $(cd "$repo" && "$bin" --version 2>/dev/null || echo registryctl) (release profile of Cargo.toml)
- load average (1, 5, 15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)
- runs per command: $runs (wall = median, peak RSS = max of the runs, CPU = median of user+sys)

| registry | command | wall s (median of $runs) | peak RSS MB | YAML MB | RSS/YAML ratio | CPU s (user+sys) | exit | target | verdict |
|---|---|---:|---:|---:|---:|---:|---|---|---|
EOF
printf '%s\n' "${rows[@]}"
cat <<EOF

YAML MB is what the command reads: manifests only for \`lint\` and \`build-index\`, manifests and
toolspecs for \`lint-toolspecs\` (it parses every manifest to pair with) and \`check\`, both trees
for \`diff\` (which parses only the servers whose files differ; exit 1 there means the changed
server's version is published, as every synthetic version is). Wall time
is measured around \`/usr/bin/time -v\` with the shell's microsecond clock, so it includes about
a millisecond of process start-up; exit 1 on the own catalog means findings, not a crash.
EOF
