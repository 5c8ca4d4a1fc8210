#!/usr/bin/env bash
# Whole-registry benchmark of registryctl (issues 12 and 23).
#
#   bash scripts/bench.sh                                   # sizes 1000 10000 100000
#   BENCH_SIZES="1000 10000" bash scripts/bench.sh
#   GO_REGISTRYCTL=/path/to/go/registryctl bash scripts/bench.sh   # adds the Go reference's column
#
# Builds the release binary once, generates synthetic registries with the gen-registry example
# (benches/gen_registry.rs; reused when already complete), warms the page cache, and times each
# command BENCH_RUNS times (default 5) under /usr/bin/time -v. Each run of a registry size starts
# with the read floor: the registry's manifests and toolspecs read by two `cat` processes in
# parallel (the file list made beforehand), so a machine shared with others slows the floor and
# the commands alike. Prints one markdown table to stdout: median wall time, its multiple of the
# median floor, peak RSS, CPU time and its multiple of the floor's CPU time, the load average,
# each target (time, floor ratio, memory) met or missed, and the Go reference's time and RSS
# when GO_REGISTRYCTL names its binary.
# Progress goes to stderr, so `bash scripts/bench.sh > out.md` keeps only the report.
#
# Environment:
#   BENCH_SIZES     registry sizes in servers (default "1000 10000 100000")
#   BENCH_DIR       scratch directory for registries and the binary copy (default /tmp/registryctl-bench)
#   BENCH_RUNS      runs per command, medians taken (default 5)
#   BENCH_THREADS1  1 also times the 10k commands with --threads 1 to show the parallel speed-up (default 0)
#   GO_REGISTRYCTL  the Go reference tool's binary (lint, lint-toolspecs, build-index); check is its
#                   lint and lint-toolspecs run one after the other
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sizes=${BENCH_SIZES:-"1000 10000 100000"}
scratch=${BENCH_DIR:-/tmp/registryctl-bench}
runs=${BENCH_RUNS:-5}
threads1=${BENCH_THREADS1:-0}
go_bin=${GO_REGISTRYCTL:-}

log() { printf '%s\n' "$*" >&2; }
die() { log "bench.sh: $*"; exit 2; }

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer"
for n in $sizes; do
    if ! [[ $n =~ ^[1-9][0-9]*$ ]] || ((n > 100000)); then
        die "BENCH_SIZES: \`$n\` is not a size between 1 and 100000"
    fi
done
if [[ -n $go_bin && ! -x $go_bin ]]; then
    die "GO_REGISTRYCTL: \`$go_bin\` is not an executable file"
fi

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
load1() { cut -d' ' -f1 /proc/loadavg; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
max() { printf '%s\n' "$@" | sort -g | tail -1; }
# le A B: "met" when A <= B, else "**missed**"
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "met" : "**missed**" }'; }
fmt_s() { awk -v w="$1" 'BEGIN { printf (w < 0.1) ? "%.4f" : "%.3f", w }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

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
declare -A wall=() rss=() cpu=() loads=() floor=() floor_cpu=()

# once WD CMD...: one run of CMD in WD under /usr/bin/time; prints "wall rss_kb cpu_s exit".
once() {
    local wd=$1 out t0 t1 code=0
    shift
    out=$(mktemp "$scratch/time.XXXXXX")
    t0=$(now)
    (cd "$wd" && /usr/bin/time -v -o "$out" "$@" >/dev/null 2>&1) || code=$?
    t1=$(now)
    awk -v a="$t0" -v b="$t1" -v code="$code" -F': ' '
        /Maximum resident set size/ { r = $2 } /User time \(seconds\)/ { u = $2 } /System time \(seconds\)/ { s = $2 }
        END { printf "%.4f %d %.2f %d\n", b - a, r, u + s, code }' "$out"
    rm -f "$out"
}

# The read floor of a registry: its manifests and toolspecs, the file list made beforehand and
# split in two, read by two `cat` processes in parallel; prints the wall seconds and the CPU
# seconds (user+sys) of the two.
floor_once() {
    local dir=$1 t0 t1 out
    out=$(mktemp "$scratch/time.XXXXXX")
    t0=$(now)
    # shellcheck disable=SC2016 # $1 and $2 are the inner shell's arguments
    /usr/bin/time -f '%U %S' -o "$out" bash -c 'xargs -0 -a "$1" cat >/dev/null & xargs -0 -a "$2" cat >/dev/null & wait' \
        floor "$dir.files.a" "$dir.files.b"
    t1=$(now)
    awk -v a="$t0" -v b="$t1" '{ printf "%.4f %.2f\n", b - a, $1 + $2 }' "$out"
    rm -f "$out"
}

floor_lists() { # floor_lists DIR: the two halves of the file list, NUL-separated
    local dir=$1 all
    all=$(mktemp "$scratch/files.XXXXXX")
    (cd "$dir" && find "$dir/manifests" "$dir/toolspecs" -type f -print0 | sort -z) >"$all"
    local n
    n=$(tr -cd '\0' <"$all" | wc -c)
    head -z -n $((n / 2)) "$all" >"$dir.files.a"
    tail -z -n +$((n / 2 + 1)) "$all" >"$dir.files.b"
    rm -f "$all"
}

# go_once WD CMD...: the Go reference's run; for `check`, its lint and lint-toolspecs in turn.
go_once() {
    local wd=$1 a b
    shift
    if [[ $1 == check ]]; then
        a=$(once "$wd" "$go_bin" lint manifests)
        b=$(once "$wd" "$go_bin" lint-toolspecs toolspecs)
        awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.4f %d %.2f %d\n", x[1] + y[1], (x[2] > y[2]) ? x[2] : y[2], x[3] + y[3], (x[4] > y[4]) ? x[4] : y[4] }'
    else
        once "$wd" "$go_bin" "$@"
    fi
}

# bench_size N KEY... : runs of the floor and every command of size N interleaved, medians stored.
# Commands come from the arrays cmd_argv_<key> (set by the caller), run in ${dirs[$N]}.
bench_size() {
    local n=$1 dir=${dirs[$1]} i key
    shift
    local -A w=() r=() c=() g_w=() g_r=()
    local f=() fc=() l=() fw fcpu
    for ((i = 0; i < runs; i++)); do
        if [[ -f $dir.files.a ]]; then
            read -r fw fcpu <<<"$(floor_once "$dir")"
            f+=("$fw") fc+=("$fcpu")
        fi
        for key in "$@"; do
            local -n argv="argv_$key"
            local wd=${cwd[$key]:-$dir} res
            l+=("$(load1)")
            res=$(once "$wd" "$bin" "${argv[@]}")
            read -r rw rr rc _ <<<"$res"
            w[$key]+="$rw " r[$key]+="$rr " c[$key]+="$rc "
            codes[$key]=$(awk -v c="${codes[$key]:-}" -v x="${res##* }" 'BEGIN { print (index(" " c " ", " " x " ") ? c : c (c == "" ? "" : ",") x) }')
            if [[ -n $go_bin && -n ${go_cmd[$key]:-} ]]; then
                # shellcheck disable=SC2086
                res=$(go_once "$wd" ${go_cmd[$key]})
                read -r rw rr _ _ <<<"$res"
                g_w[$key]+="$rw " g_r[$key]+="$rr "
            fi
        done
    done
    ((${#f[@]} == 0)) || floor[$n]=$(median "${f[@]}") floor_cpu[$n]=$(median "${fc[@]}")
    for key in "$@"; do
        # shellcheck disable=SC2086
        wall[$key]=$(median ${w[$key]}) rss[$key]=$(max ${r[$key]}) cpu[$key]=$(median ${c[$key]})
        if [[ -n ${g_w[$key]:-} ]]; then
            # shellcheck disable=SC2086
            go_wall[$key]=$(median ${g_w[$key]}) go_rss[$key]=$(max ${g_r[$key]})
        fi
        log "   $n $key: median ${wall[$key]}s (floor ${floor[$n]:-—}s), peak RSS $(mb "${rss[$key]}") MB, exit ${codes[$key]}"
    done
    loads[$n]="$(median "${l[@]}") (min $(printf '%s\n' "${l[@]}" | sort -g | head -1), max $(max "${l[@]}"))"
}

declare -A codes=() cwd=() go_cmd=() go_wall=() go_rss=() label=()

size_label() { # 1000 -> 1k, 100000 -> 100k, 1500 -> 1500
    if (($1 % 1000 == 0)); then echo "$(($1 / 1000))k"; else echo "$1"; fi
}

# row KEY REGISTRY TARGET VERDICT: one table row.
row() {
    local key=$1 reg=$2 target=$3 verdict=$4 n=$5 ratio="—" cratio="—" go="—"
    if [[ -n ${floor[$n]:-} ]]; then ratio=$(awk -v w="${wall[$key]}" -v f="${floor[$n]}" 'BEGIN { printf "%.2f×", w / f }'); fi
    if [[ -n ${floor_cpu[$n]:-} ]]; then cratio=$(awk -v w="${cpu[$key]}" -v f="${floor_cpu[$n]}" 'BEGIN { if (f > 0) printf "%.2f×", w / f; else print "—" }'); fi
    if [[ -n ${go_wall[$key]:-} ]]; then go="$(fmt_s "${go_wall[$key]}") s, $(mb "${go_rss[$key]}") MB"; fi
    rows+=("| $reg | \`${label[$key]}\` | $(fmt_s "${wall[$key]}") | $ratio | $(mb "${rss[$key]}") | ${cpu[$key]} | $cratio | ${codes[$key]} | $go | $target | $verdict |")
}

# The 10k targets of issue 23: wall seconds, multiple of the read floor, peak RSS in MB.
declare -A t_wall=([lint]=0.25 [lint-toolspecs]=0.5 [build-index]=0.3 [check]=0.55 [diff]=0.6)
declare -A t_ratio=([lint]=0.7 [lint-toolspecs]=1.4 [build-index]=0.85 [check]=1.5)
# Peak RSS: at or below the Go reference's (measured when GO_REGISTRYCTL is given; else its
# figures from issue 23: 32 MB lint, 34 MB lint-toolspecs, 87 MB build-index; 35 MB for check
# and diff, which it runs as lint then lint-toolspecs or not at all).
declare -A t_rss=([lint]=35 [lint-toolspecs]=35 [build-index]=87 [check]=35 [diff]=35)
commands=(lint lint-toolspecs build-index check)

# --- the own catalog -------------------------------------------------------------------------

log "== own catalog ($repo)"
find "$repo/manifests" "$repo/toolspecs" "$repo/denylist" "$repo/policy" -type f -exec cat {} + >/dev/null
single=manifests/asana/0.1.0.yaml
[[ -f $repo/$single ]] || single=$(cd "$repo" && find manifests -name '*.yaml' | sort | head -1)
dirs[own]=$repo
# shellcheck disable=SC2034 # read through `local -n` in bench_size
argv_version=(--version) argv_owncheck=(check .) argv_ownsingle=(lint "$single")
label[version]="--version (process start-up)" label[owncheck]="check ." label[ownsingle]="lint $single"
saved_runs=$runs
runs=$((runs < 21 ? 21 : runs))
bench_size own version owncheck ownsingle
runs=$saved_runs
unset 'floor[own]'
row version "own catalog" "—" "—" own
row owncheck "own catalog" "≤ 0.020 s" "$(le "${wall[owncheck]}" 0.020)" own
row ownsingle "own catalog" "≤ 0.010 s" "$(le "${wall[ownsingle]}" 0.010)" own

# --- synthetic registries --------------------------------------------------------------------

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

# index_size N: the bytes of the index of size N: the file written, or, over the gateway's 32 MiB
# limit (100k servers), the size build-index names when it refuses to write it (exit 1).
index_size() {
    local out="$scratch/index-$1.json"
    if [[ -f $out ]]; then
        stat -c %s "$out"
    else
        (cd "${dirs[$1]}" && "$bin" build-index manifests --out "$out" 2>&1 >/dev/null || true) |
            sed -n 's/.*the index is \([0-9]*\) bytes.*/\1/p' | head -1
    fi
}

index_bytes=()
declare -A ibytes=()
for n in "${ready_sizes[@]}"; do
    dir=${dirs[$n]}
    log "== $n servers ($dir): warming the page cache, listing the files for the floor"
    find "$dir" -type f -exec cat {} + >/dev/null
    floor_lists "$dir"
    reg="synthetic $(size_label "$n")"
    keys=()
    for c in "${commands[@]}"; do
        key="$n-$c"
        case $c in
        lint) eval "argv_${key//-/_}=(lint manifests)" ;;
        lint-toolspecs) eval "argv_${key//-/_}=(lint-toolspecs toolspecs)" ;;
        build-index) eval "argv_${key//-/_}=(build-index manifests --out \"\$scratch/index-\$n.json\")" ;;
        check) eval "argv_${key//-/_}=(check .)" ;;
        esac
        go_cmd[${key//-/_}]=$(case $c in
            lint) echo "lint manifests" ;;
            lint-toolspecs) echo "lint-toolspecs toolspecs" ;;
            build-index) echo "build-index manifests --out $scratch/index-$n-go.json" ;;
            check) echo "check" ;;
            esac)
        keys+=("${key//-/_}")
        label[${key//-/_}]=$c
    done
    label[${n}_lint]="lint manifests" label[${n}_lint_toolspecs]="lint-toolspecs toolspecs"
    label[${n}_build_index]="build-index manifests --out index-$n.json" label[${n}_check]="check ."
    if ((n <= 10000)) && (($(df -Pk "$scratch" | awk 'NR == 2 { print $4 }') > $(need_kb "$n"))); then
        head="$scratch/reg-$n-head"
        log "== $n servers: the head tree for diff ($head)"
        make_head "$dir" "$head"
        find "$head" -type f -exec cat {} + >/dev/null
        eval "argv_${n}_diff=(diff \"reg-\$n\" \"reg-\$n-head\")"
        cwd[${n}_diff]=$scratch
        label[${n}_diff]="diff reg-$n reg-$n-head"
        keys+=("${n}_diff")
    fi
    if ((n == 10000)) && [[ $threads1 == 1 ]]; then
        for c in lint lint_toolspecs build_index check; do
            eval "argv_${n}_${c}_t1=(\"\${argv_${n}_${c}[@]}\" --threads 1)"
            label[${n}_${c}_t1]="${label[${n}_${c}]} --threads 1"
            keys+=("${n}_${c}_t1")
        done
    fi
    rm -f "$scratch/index-$n.json"
    bench_size "$n" "${keys[@]}"
    ibytes[$n]=$(index_size "$n")
    for c in "${commands[@]}" diff; do
        key="${n}_${c//-/_}"
        [[ -n ${wall[$key]:-} ]] || continue
        target="—" verdict="—"
        if ((n == 10000)); then
            target="≤ ${t_wall[$c]} s"
            verdict="time $(le "${wall[$key]}" "${t_wall[$c]}")"
            if [[ -n ${t_ratio[$c]:-} ]]; then
                target+="; ≤ ${t_ratio[$c]}× floor"
                verdict+="; ratio $(awk -v w="${wall[$key]}" -v f="${floor[$n]}" -v t="${t_ratio[$c]}" 'BEGIN { print (w / f <= t) ? "met" : "**missed**" }')"
            fi
            limit=${t_rss[$c]}
            if [[ -n ${go_rss[$key]:-} ]]; then limit=$(awk -v k="${go_rss[$key]}" 'BEGIN { printf "%.1f", k / 1024 }'); fi
            target+="; RSS ≤ $limit MB"
            verdict+="; RSS $(le "$(mb "${rss[$key]}")" "$limit")"
        elif ((n == 100000)) && [[ -n ${wall[10000_${c//-/_}]:-} ]]; then
            k10="10000_${c//-/_}"
            tlimit=$(awk -v t="${wall[$k10]}" 'BEGIN { printf "%.2f", 10.5 * t }')
            grow=$(awk -v a="${rss[$key]}" -v b="${rss[$k10]}" 'BEGIN { printf "%.1f", a / b }')
            igrow=$(awk -v a="${ibytes[100000]}" -v b="${ibytes[10000]}" 'BEGIN { printf "%.1f", a / b }')
            target="≤ 10.5× 10k = $tlimit s; RSS growth ≤ index growth ($igrow×)"
            verdict="time $(le "${wall[$key]}" "$tlimit") ($(awk -v a="${wall[$key]}" -v b="${wall[$k10]}" 'BEGIN { printf "%.1f", a / b }')×); RSS ${grow}× $(le "$grow" "$igrow")"
        fi
        row "$key" "$reg" "$target" "$verdict" "$n"
    done
    for c in lint_toolspecs lint build_index check; do
        key="${n}_${c}_t1"
        [[ -n ${wall[$key]:-} ]] || continue
        row "$key" "$reg" "speed-up of the default threads: $(awk -v a="${wall[$key]}" -v b="${wall[${n}_${c}]}" 'BEGIN { printf "%.2f×", a / b }')" "—" "$n"
    done
    index_bytes+=("$(size_label "$n"): $(awk -v b="${ibytes[$n]}" 'BEGIN { printf "%.1f MB", b / 1e6 }')")
done

# --- report ----------------------------------------------------------------------------------

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
cat <<EOF
## registryctl benchmark

- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- machine: $(nproc) CPU(s), ${cpu_model:-unknown CPU}, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)
- toolchain: $(rustc --version)
- binary: $(cd "$repo" && "$bin" --version 2>/dev/null || echo registryctl) (release profile of Cargo.toml)
- Go reference: ${go_bin:-not given (GO_REGISTRYCTL)}
- load average (1, 5, 15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)
- 1-minute load average before each command, median (min, max): own catalog ${loads[own]}; $(for n in "${ready_sizes[@]}"; do printf '%s: %s; ' "$(size_label "$n")" "${loads[$n]}"; done)
- runs per command: $runs, 21 for the own catalog (wall = median, peak RSS = max of the runs, CPU = median of user+sys)
- read floor (two parallel \`cat\`s over the registry's manifests and toolspecs, median wall and CPU): $(for n in "${ready_sizes[@]}"; do printf '%s %s s (CPU %s s); ' "$(size_label "$n")" "$(fmt_s "${floor[$n]}")" "${floor_cpu[$n]}"; done)
- index.json: ${index_bytes[*]:-—}

| registry | command | wall s | × floor | peak RSS MB | CPU s | CPU × floor CPU | exit | Go reference | target | verdict |
|---|---|---:|---:|---:|---:|---:|---|---|---|---|
EOF
printf '%s\n' "${rows[@]}"
cat <<EOF

× floor is the median wall time over the median read floor of the same registry, measured in
the same run, interleaved with the commands: on a shared machine both slow down together, though
not equally (the floor is nearly all kernel time in two processes; the commands are mostly user
time in two threads). CPU × floor CPU divides CPU times (user+sys, medians) instead: less
sensitive to the load, it shows the work above reading the files. The
floor reads the manifests and toolspecs (what \`check\` reads); \`diff\` reads two trees. Wall
time is measured around \`/usr/bin/time -v\` with the shell's microsecond clock, so it includes
about a millisecond of process start-up; exit 1 on \`diff\` means the changed server's version is
published, as every synthetic version is; exit 1 on the 100k \`build-index\` is its refusal to
write an index over the gateway's 32 MiB read limit (the whole index is encoded, its first 32 MiB
written to a temporary file that is then removed, not renamed into place).
EOF
