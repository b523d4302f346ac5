# Random search against Bayesian optimisation: the best validation accuracy
# found within the first N trials, per method: the mean over the search seeds
# (thick) and the lowest and the highest seed (dashed).
#
#   gnuplot -e 'csv="best_so_far.csv"; out="search_methods.png"; names="random bayes-10"; seeds="10"' search_methods.gp
#
# csv: trial, then <name>_mean,<name>_min,<name>_max for each method in the
# order of names (scripts/compare-search-methods.sh); names: space separated.
if (!exists("seeds")) seeds = "?"
n = words(names)
colors = "#1f77b4 #d62728 #2ca02c #9467bd"

set terminal pngcairo size 900, 560 font "sans,11"
set output out
set datafile separator comma
set title sprintf("Best validation accuracy within the first N trials, over %s search seeds", seeds)
set xlabel "trials"
set ylabel "best validation accuracy so far"
set yrange [0:1]
set xrange [1:*]
set grid lc rgb "#e8e8e8"
set key bottom right maxrows 3
plot for [i = 1:n] csv skip 1 using 1:(column(3 * i - 1)) \
       with lines lw 2.5 lc rgb word(colors, i) title word(names, i) . " (mean)" noenhanced, \
     for [i = 1:n] csv skip 1 using 1:(column(3 * i)) \
       with lines lw 1 dt 2 lc rgb word(colors, i) title word(names, i) . " (lowest and highest seed)" noenhanced, \
     for [i = 1:n] csv skip 1 using 1:(column(3 * i + 1)) \
       with lines lw 1 dt 2 lc rgb word(colors, i) notitle
