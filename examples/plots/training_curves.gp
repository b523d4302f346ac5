# Loss and accuracy per epoch from a History CSV (mnist_train --history).
# gnuplot -e 'csv="h.csv"; out="curves.png"' training_curves.gp
set datafile separator ","
set terminal pngcairo size 1100,450 font ",11"
set output out
set multiplot layout 1,2 title "scratchnet training"
set xlabel "epoch"
set grid
set ylabel "mean training loss"
plot csv using 1:2 skip 1 with linespoints lw 2 title "loss"
set ylabel "accuracy"
set key bottom right
plot csv using 1:3 skip 1 with linespoints lw 2 title "train", \
     csv using 1:4 skip 1 with linespoints lw 2 title "test"
unset multiplot
