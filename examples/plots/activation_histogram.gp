# Histograms of the hidden activations of one (activation, init), one panel
# per layer, as the book's figures 6-10 to 6-14.
#
#   gnuplot -e 'csv="activation_histogram.csv"; out="relu_he.png"; activation="relu"; init="he"' activation_histogram.gp
#
# csv: examples/activation_histogram's activation,init,layer,bin,bin_low,bin_high,count;
# layers: panels (default 5); ymax: top of the count axis (default: automatic);
# notes: one caption per layer separated by "|" (a newline breaks a line).
if (!exists("layers")) layers = "5"
if (!exists("ymax")) ymax = ""
if (!exists("notes")) notes = ""

set terminal pngcairo size 1500, 360 font "sans,10"
set output out
set datafile separator comma
set style fill solid 0.85 border rgb "#1f4e79"
set key off
set grid ytics lc rgb "#dddddd"
set xtics 0.5
if (ymax ne "") { set yrange [0:real(ymax)] } else { set yrange [0:*] }
set xrange [(activation eq "tanh" ? -1 : 0):1]

n = int(layers)
set multiplot layout 1, n title sprintf("%s activations, weights %s: histogram of each hidden layer", activation, init)
do for [l = 1:n] {
  note = ""
  if (notes ne "") {
    # the l-th "|"-separated caption
    rest = notes
    do for [k = 1:l - 1] { rest = rest[strstrt(rest, "|") + 1:*] }
    note = strstrt(rest, "|") > 0 ? rest[1:strstrt(rest, "|") - 1] : rest
  }
  set title sprintf("%d-layer\n%s", l, note) noenhanced
  if (l > 1) { set format y "" } else { set format y "%g" }
  plot csv skip 1 using \
      ((strcol(1) eq activation && strcol(2) eq init && $3 == l) ? ($5 + $6) / 2 : NaN):7:($6 - $5) \
      with boxes lc rgb "#4a90d9"
}
unset multiplot
