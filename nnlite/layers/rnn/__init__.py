"""Recurrent layers and cells, as `keras.layers` (SimpleRNN, LSTM, GRU, RNN, ...)."""
from nnlite.layers.rnn.bidirectional import Bidirectional
from nnlite.layers.rnn.gru import GRU
from nnlite.layers.rnn.gru_cell import GRUCell
from nnlite.layers.rnn.lstm import LSTM
from nnlite.layers.rnn.lstm_cell import LSTMCell
from nnlite.layers.rnn.rnn import RNN
from nnlite.layers.rnn.simple_rnn import SimpleRNN
from nnlite.layers.rnn.simple_rnn_cell import SimpleRNNCell
from nnlite.layers.rnn.stacked_rnn_cells import StackedRNNCells
from nnlite.layers.rnn.time_distributed import TimeDistributed

__all__ = ["Bidirectional", "GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "SimpleRNN", "SimpleRNNCell",
           "StackedRNNCells", "TimeDistributed"]
