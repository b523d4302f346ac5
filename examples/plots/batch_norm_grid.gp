# Training accuracy with and without Batch Normalization, one panel per
# initial weight scale, as the book's figure 6-19.
#
#   gnuplot -e 'csv="batch_norm_compare.csv"; out="bn.png"; scales="1 0.5412 ..."' batch_norm_grid.gp
#
# csv: scale_index,weight_scale,epoch,iteration,train_accuracy_plain,
# train_accuracy_batchnorm (examples/batch_norm_compare); scales: each
# panel's weight scale, space separated, for the titles; epochs: x range.
if (!exists("epochs")) epochs = "20"
n = words(scales)
columns = n < 4 ? n : 4
rows = int(ceil(n / real(columns)))

set terminal pngcairo size 1200, 270 * rows + 60 font "sans,10"
set output out
set datafile separator comma
set yrange [0:1]
set xrange [0:int(epochs) - 1]
set ytics 0.5
set mytics 5
set grid ytics mytics lc rgb "#e8e8e8"
set key off
set multiplot layout rows, columns title "Training accuracy: Batch Normalization (solid) and without it (dashed), per initial weight std"
do for [i = 1:n] {
  set title sprintf("W: %s", word(scales, i))
  if (i == n) { set key top left font ",9" } else { set key off }
  plot csv skip 1 using ($1 == i - 1 ? $3 : NaN):6 with lines lw 2 lc rgb "#1f77b4" title "Batch Normalization", \
       csv skip 1 using ($1 == i - 1 ? $3 : NaN):5 with lines lw 2 dt 2 lc rgb "#ff7f0e" title "Normal (without BatchNorm)"
}
unset multiplot
