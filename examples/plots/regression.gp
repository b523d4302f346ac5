# The fit of examples/regression: the noisy training samples, the function
# y = sin(3x) + x/2 and the network's prediction on a grid.
#
#   gnuplot -e "csv='regression.csv'; out='regression.png'; layers='affine(32),...'" regression.gp
#
# csv: set,x,target,prediction (set = train or grid); layers: the network, for the title.
if (!exists("layers")) layers = ""

set terminal pngcairo size 800, 500 font "sans,11"
set output out
set datafile separator comma
set xlabel "x"
set ylabel "y"
set grid lc rgb "#e8e8e8"
set key top left
set title "Regression with mean squared error: ".layers noenhanced
plot csv skip 1 using (strcol(1) eq "train" ? $2 : NaN):3 with points pt 7 ps 0.5 lc rgb "#999999" title "training samples (noise 0.1)", \
     csv skip 1 using (strcol(1) eq "grid" ? $2 : NaN):3 with lines lw 2 lc rgb "#1f77b4" title "sin(3x) + x/2", \
     csv skip 1 using (strcol(1) eq "grid" ? $2 : NaN):4 with lines lw 2 dt 2 lc rgb "#d62728" title "network"
