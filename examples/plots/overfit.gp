# Train and test accuracy per epoch of the overfitting runs, one panel per
# run, as the book's figures 6-21 (plain), 6-21 (weight decay) and 6-23
# (dropout), then L1 and max-norm; more than three panels take two rows.
#
#   gnuplot -e 'csv="overfit.csv"; out="overfit.png"; names="plain weight_decay dropout"' overfit.gp
#
# csv: run,epoch,iteration,train_accuracy,test_accuracy (examples/overfit);
# names: the runs, space separated; titles: their panel titles, "|" separated.
if (!exists("titles")) titles = ""
n = words(names)

rows = n > 3 ? 2 : 1
columns = (n + rows - 1) / rows
set terminal pngcairo size 480 * columns, 420 * rows font "sans,11"
set output out
set datafile separator comma
set yrange [0:1]
set xlabel "epochs"
set ylabel "accuracy"
set grid lc rgb "#e8e8e8"
set key bottom right
set multiplot layout rows, columns title "Overfitting on a small training set: train (solid) and test (dashed) accuracy"
rest = titles
do for [i = 1:n] {
  cut = strstrt(rest, "|")
  title_i = titles eq "" ? word(names, i) : (cut > 0 ? rest[1:cut - 1] : rest)
  if (cut > 0) { rest = rest[cut + 1:*] }
  set title title_i noenhanced
  plot csv skip 1 using (strcol(1) eq word(names, i) ? $2 : NaN):4 with lines lw 2 lc rgb "#1f77b4" title "train", \
       csv skip 1 using (strcol(1) eq word(names, i) ? $2 : NaN):5 with lines lw 2 dt 2 lc rgb "#d62728" title "test"
}
unset multiplot
