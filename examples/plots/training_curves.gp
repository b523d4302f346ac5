# Loss and accuracy per epoch from a History CSV (mnist_train --history):
# with validation="1" (mnist_train --validation) the validation loss and
# accuracy beside the training ones, else the test accuracy.
# gnuplot -e 'csv="h.csv"; out="curves.png"; validation="0"' training_curves.gp
if (!exists("validation")) validation = "0"
set datafile separator ","
set terminal pngcairo size 1100,450 font ",11"
set output out
set multiplot layout 1,2 title "scratchnet training"
set xlabel "epoch"
set grid
set ylabel "loss"
if (validation eq "1") {
  plot csv using 1:2 skip 1 with linespoints lw 2 title "training (mean of the epoch)", \
       csv using 1:9 skip 1 with linespoints lw 2 title "validation"
} else {
  plot csv using 1:2 skip 1 with linespoints lw 2 title "loss"
}
set ylabel "accuracy"
set key bottom right
if (validation eq "1") {
  plot csv using 1:3 skip 1 with linespoints lw 2 title "train", \
       csv using 1:10 skip 1 with linespoints lw 2 title "validation"
} else {
  plot csv using 1:3 skip 1 with linespoints lw 2 title "train", \
       csv using 1:4 skip 1 with linespoints lw 2 title "test"
}
unset multiplot
