# SimpleConvNet's 30 first-layer filters (5x5) before and after training, as
# the book's figure 7-24: each filter scaled to [0, 1] on its own, dark for
# large values.
#
#   gnuplot -e "csv='filters_before.csv'; after='filters_after.csv'; out='conv_filters.png'" conv_filters.gp
#
# csv, after: x,y,value of the tiled filters (examples/conv_filters).
set terminal pngcairo size 900, 420 font "sans,11"
set output out
set datafile separator comma
set palette gray negative
unset colorbox
unset xtics
unset ytics
unset border
set yrange [*:*] reverse
set size ratio -1
set multiplot layout 2, 1 title "SimpleConvNet: the 30 filters of the first layer"
set title "before training (std 0.01)"
plot csv skip 1 using 1:2:3 with image notitle
set title "after training"
plot after skip 1 using 1:2:3 with image notitle
unset multiplot
