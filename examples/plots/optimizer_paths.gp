# The paths of the six update rules on f(x, y) = x^2/20 + y^2 over its
# contour lines, one panel per rule, as the book's figure 6-8.
#
#   gnuplot -e "csv='optimizer_paths.csv'; out='optimizer_paths.png'" optimizer_paths.gp
#
# csv: the CSV written by examples/optimizer_paths (rule,step,x,y);
# out: the PNG to draw; rules / lrs (optional): the rules to draw, as written
# in the CSV's rule column, and their learning rates for the panel titles.

if (!exists("csv")) csv = "optimizer_paths.csv"
if (!exists("out")) out = "optimizer_paths.png"
if (!exists("rules")) rules = "SGD Momentum Nesterov AdaGrad RMSProp Adam"
if (!exists("lrs")) lrs = ""

if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
  set terminal pngcairo size 1500, 900 font "sans,11"
} else {
  set terminal png size 1500, 900
}
set output out

# The contour lines f = c are the ellipses (sqrt(20 c) cos t, sqrt(c) sin t),
# drawn for the levels of the book's figure (which masks f > 7).
array level[9] = [0.25, 0.5, 1, 2, 3, 4, 5, 6, 7]
set xrange [-10:10]
set yrange [-5:5]
set samples 400

set datafile separator comma
set key off
set palette defined (0 "#440154", 0.35 "#31688e", 0.65 "#35b779", 1 "#e5c000")
set cbrange [0:7]
unset colorbox
set xlabel "x"
set ylabel "y"
set xtics 5
set ytics 2.5

set multiplot layout 2, 3 title "Update rules on f(x, y) = x^2/20 + y^2 from (-7, 2)"
do for [i = 1:words(rules)] {
  rule = word(rules, i)
  lr = word(lrs, i)
  set title (lr eq "" ? rule : sprintf("%s (lr %s)", rule, lr))
  plot for [j = 1:|level|] [t = 0:2 * pi] "+" \
           using (sqrt(20 * level[j]) * cos(t)):(sqrt(level[j]) * sin(t)):(level[j]) \
           with lines lw 1 lc palette, \
       csv using (strcol(1) eq rule ? $3 : NaN):4 skip 1 \
           with linespoints lw 1.5 pt 7 ps 0.6 lc rgb "#d62728", \
       "+" using (0):(0) with points pt 1 ps 2 lw 2 lc rgb "black"
}
unset multiplot
