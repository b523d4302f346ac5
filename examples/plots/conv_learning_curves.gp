# SimpleConvNet and DeepConvNet on three seeds each: train (dashed) and test
# (solid) accuracy after every epoch, from mnist_train's --history files.
#
#   gnuplot -e "dir='out/chapter7-8'; out='conv_learning_curves.png'" conv_learning_curves.gp
#
# dir holds simple-conv-s0.csv .. s2.csv and deep-conv-s0.csv .. s2.csv
# (columns epoch,mean_loss,train_accuracy,test_accuracy,...).
set terminal pngcairo size 1100, 440 font "sans,11"
set output out
set datafile separator comma
set key bottom right
set grid
set xlabel "epoch"
set ylabel "accuracy"
set yrange [0.8:1.0]
set xrange [0:*]
set multiplot layout 1, 2
do for [net in "simple-conv deep-conv"] {
  set title (net eq "simple-conv" ? "SimpleConvNet (ch. 7)" : "DeepConvNet (ch. 8)")
  plot for [s=0:2] dir.'/'.net.'-s'.s.'.csv' skip 1 using 1:4 with linespoints lc s+1 pt 7 ps 0.5 \
         title 'test, seed '.s, \
       for [s=0:2] dir.'/'.net.'-s'.s.'.csv' skip 1 using 1:3 with lines lc s+1 dt 2 \
         title 'train, seed '.s
}
unset multiplot
