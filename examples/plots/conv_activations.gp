# One test image through SimpleConvNet's first layers: the 30 feature maps
# after convolution and ReLU (top three rows), then after 2x2 max-pooling
# (bottom three rows, each value drawn over its 2x2 block).
#
#   gnuplot -e "csv='activations.csv'; out='activations.png'; label='9'" conv_activations.gp
#
# csv: x,y,value of the tiled maps (examples/conv_filters); label: the image's class.
if (!exists("label")) label = "?"
set terminal pngcairo size 1000, 560 font "sans,11"
set output out
set datafile separator comma
set palette gray negative
unset colorbox
unset xtics
unset ytics
unset border
set yrange [*:*] reverse
set size ratio -1
set title "One test image (class ".label."): conv + ReLU maps (top), after max-pooling (bottom)" noenhanced
plot csv skip 1 using 1:2:3 with image notitle
