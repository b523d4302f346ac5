# Training loss per iteration of several networks, smoothed as the book does,
# as its figures 6-9 (update rules) and 6-15 (weight init).
#
#   gnuplot -e 'csv="optimizer_compare.csv"; out="o.png"; names="SGD Adam"' loss_curves.gp
#
# csv: name,iteration,loss,smoothed_loss (examples/optimizer_compare,
# weight_init_compare); names: the curves to draw, space separated;
# ymax: top of the loss axis (default 1, as the book); title, keypos
# (where the key goes: "top right", the default, or "right center"): optional.
if (!exists("ymax")) ymax = "1"
if (!exists("title")) title = "Training loss"
if (!exists("keypos")) keypos = "top right"

set terminal pngcairo size 900, 560 font "sans,11"
set output out
set datafile separator comma
set title title noenhanced
set xlabel "iterations"
set ylabel "loss (smoothed)"
set yrange [0:real(ymax)]
set grid lc rgb "#e0e0e0"
# The two places the programs ask for, chosen here: keypos is never run as code.
if (keypos eq "right center") { set key right center noenhanced } else { set key top right noenhanced }
array points[6] = [7, 2, 5, 9, 13, 11]
array colors[6] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
color(i) = colors[(i - 1) % 6 + 1]
plot for [i = 1:words(names)] csv skip 1 \
       using (strcol(1) eq word(names, i) ? $2 : NaN):4 \
       with lines lw 1.5 lc rgb color(i) notitle, \
     for [i = 1:words(names)] csv skip 1 \
       using ((strcol(1) eq word(names, i) && int($2) % 100 == 0) ? $2 : NaN):4 \
       with points pt points[(i - 1) % 6 + 1] ps 1.1 lw 1.5 lc rgb color(i) notitle, \
     for [i = 1:words(names)] keyentry with linespoints lw 2 pt points[(i - 1) % 6 + 1] ps 1.1 \
       lc rgb color(i) title word(names, i)
