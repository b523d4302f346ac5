# Validation (solid) and training (dashed) accuracy per epoch of the best
# trials of a hyperparameter search, as the book's figure 6-24.
#
#   gnuplot -e 'csv="hyperparameter_curves.csv"; out="hp.png"; count="20"' hyperparameter_grid.gp
#
# csv: rank,trial,epoch,validation_accuracy,train_accuracy
# (examples/hyperparameter_search); count: how many ranks to draw, 5 per row;
# titles: one per rank, "|" separated (a newline breaks a line).
if (!exists("count")) count = "20"
if (!exists("titles")) titles = ""
n = int(count)
columns = n < 5 ? n : 5
rows = int(ceil(n / real(columns)))

set terminal pngcairo size 1400, 280 * rows + 60 font "sans,10"
set output out
set datafile separator comma
set yrange [0:1]
set ytics 0.5
set mytics 5
set grid ytics mytics lc rgb "#e8e8e8"
set format x ""
set key off
set multiplot layout rows, columns title "Hyperparameter search: validation (solid) and training (dashed) accuracy per epoch of the best trials"
rest = titles
do for [i = 1:n] {
  cut = strstrt(rest, "|")
  title_i = titles eq "" ? sprintf("Best-%d", i) : (cut > 0 ? rest[1:cut - 1] : rest)
  if (cut > 0) { rest = rest[cut + 1:*] }
  set title title_i noenhanced
  plot csv skip 1 using ($1 == i ? $3 : NaN):4 with lines lw 2 lc rgb "#1f77b4", \
       csv skip 1 using ($1 == i ? $3 : NaN):5 with lines lw 2 dt 2 lc rgb "#ff7f0e"
}
unset multiplot
