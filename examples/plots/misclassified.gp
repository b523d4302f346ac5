# The first test images a model gets wrong, as the book's figure 8-3: each
# image marked "true>predicted" in its top-left corner.
#
#   gnuplot -e "csv='wrong.csv'; labels='wrong_labels.csv'; out='wrong.png'" misclassified.gp
#
# csv: x,y,value of the tiled images; labels: x,y,text (examples/mnist_predict).
set terminal pngcairo size 1000, 260 font "sans,10"
set output out
set datafile separator comma
set palette gray negative
unset colorbox
unset xtics
unset ytics
unset border
set yrange [*:*] reverse
set size ratio -1
set title "Misclassified test images (true>predicted)" noenhanced
plot csv skip 1 using 1:2:3 with image notitle, \
     labels skip 1 using 1:2:3 with labels left textcolor rgb "#c00000" noenhanced notitle
