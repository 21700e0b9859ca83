#!/bin/sh
# Side-by-side speed of TLScope and LAMMPS on the same configurations, same potential, same
# machine (docs/performance.md). Needs the Debian package `lammps` (the `lmp` binary).
#
#   tests/bench/compare_lammps.sh [BUILD_DIR] [OUTPUT.md]
#
# MD: NVE, dt = 0.01, T = 0.5 liquid of the KA-RH model (lj/smooth/linear 1.8), LAMMPS with
# `neighbor 0.3 bin` and `neigh_modify every 1 delay 0 check yes` (TLScope: skin 0.3, rebuilt
# when a particle has moved half the skin). Minimization: the N = 65 liquid to max |F| < 1e-10
# (LAMMPS: `minimize 0 1e-10`, whose 2-norm criterion is at least as strict). Single core each.
set -eu
BUILD=${1:-build}
OUT=${2:-/dev/stdout}
CLI="$BUILD/app/tlscope-cli"
if ! command -v lmp >/dev/null 2>&1; then
    echo "compare_lammps.sh: LAMMPS (lmp) is not installed: apt-get install lammps" >&2
    exit 2
fi
[ -x "$CLI" ] || { echo "compare_lammps.sh: $CLI not found (build first)" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# LAMMPS loop time (s) from its output
loop_time() { sed -n 's/^Loop time of \([0-9.e+-]*\) on .*/\1/p' "$1" | tail -1; }

md_row() { # N steps equilibration-time
    n=$1 steps=$2 time=$3
    "$CLI" generate --n "$n" --temperature 0.5 --time "$time" --melt-time 1 --seed 3 --output "$TMP/l$n.xyz" >/dev/null 2>&1
    "$CLI" convert --input "$TMP/l$n.xyz" --output "$TMP/l$n.data" --lammps-input "$TMP/in.$n" >/dev/null
    sed -i 's/^run 0$//' "$TMP/in.$n"
    cat >>"$TMP/in.$n" <<EOF
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
velocity all create 0.5 7 loop geom
timestep 0.01
fix 1 all nve
thermo 0
run $steps
EOF
    (cd "$TMP" && lmp -in "in.$n" -log none -nocite >"$TMP/lmp.$n.out" 2>&1)
    lt=$(loop_time "$TMP/lmp.$n.out")
    builds=$(sed -n 's/^Neighbor list builds = \([0-9]*\).*/\1/p' "$TMP/lmp.$n.out")
    ours=$("$CLI" md --input "$TMP/l$n.xyz" --steps "$steps" --temperature 0.5 --print "$steps" |
           sed -n 's/^performance *\([0-9.]*\) us\/step.*/\1/p')
    awk -v n="$n" -v lt="$lt" -v s="$steps" -v ours="$ours" -v b="$builds" 'BEGIN {
        l = 1e6 * lt / s;
        printf "| %d | %.2f µs/step (%.0f ns/atom-step, %d list builds in %d steps) | %.2f µs/step (%.0f ns/atom-step) | %.1f× |\n",
               n, l, 1e3 * l / n, b, s, ours, 1e3 * ours / n, l / ours }'
}

{
    echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores; $(lmp -h 2>/dev/null | sed -n 's/^Large-scale.*Simulator - \(.*\)$/LAMMPS \1/p' | head -1)"
    echo "TLScope: $("$CLI" --version | tr '\n' ' ')"
    echo
    echo "| N | LAMMPS | TLScope | speed-up |"
    echo "|---:|---:|---:|---:|"
    md_row 65 20000 50
    md_row 4000 500 5
    md_row 32000 100 1
    echo
    # Minimization of the N = 65 liquid (not equilibrated further: a hot start, the hard case).
    cat >"$TMP/in.min" <<EOF
$(sed 's/^run 0$//' "$TMP/in.65" | sed '/^neighbor/,$d')
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
thermo_modify norm no
min_style cg
minimize 0 1e-10 100000 1000000
EOF
    (cd "$TMP" && lmp -in in.min -log none -nocite >"$TMP/lmp.min.out" 2>&1)
    lt=$(loop_time "$TMP/lmp.min.out")
    evals=$(sed -n 's/^ *Iterations, force evaluations = [0-9]* \([0-9]*\).*/\1/p' "$TMP/lmp.min.out")
    echo "| minimizer (N = 65 liquid to max force 1e-10) | time | force evaluations | speed-up vs LAMMPS CG |"
    echo "|---|---:|---:|---:|"
    awk -v t="$lt" -v e="$evals" 'BEGIN { printf "| LAMMPS cg | %.2f ms | %d | 1 |\n", 1e3 * t, e }'
    for m in cg lbfgs fire; do
        best=""
        for rep in 1 2 3 4 5; do # best of five: the runs are a few ms long
            t=$("$CLI" minimize --input "$TMP/l65.xyz" --output "$TMP/m.xyz" --minimizer "$m" | sed -n 's/^time *\([0-9.]*\) ms/\1/p')
            best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
        done
        e=$("$CLI" minimize --input "$TMP/l65.xyz" --output "$TMP/m.xyz" --minimizer "$m" | sed -n 's/^force evaluations *\([0-9]*\)/\1/p')
        awk -v m="$m" -v t="$best" -v e="$e" -v lt="$lt" 'BEGIN { printf "| TLScope %s | %.2f ms | %d | %.1f× |\n", m, t, e, 1e3 * lt / t }'
    done
} >"$OUT"
