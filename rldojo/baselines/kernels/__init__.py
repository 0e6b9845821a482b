"""Fast numpy kernels of the hand-written agents, each a drop-in for a piece written in torch.

The agents' own files (``dqn.py``, ``ppo.py``, ``a2c.py``) state the math with torch autograd;
for the small networks they use, torch spends more time in per-operation overhead than in
arithmetic, so by default they run these instead. Each kernel computes what its torch
reference computes (``tests/baselines/test_kernels.py`` checks it):

- :mod:`.numpy_mlp`: the one numpy MLP, forward and backward;
- :mod:`.numpy_policy`: PPO's and A2C's actor and critic in one numpy pass, for acting;
- :mod:`.dqn_numpy`: DQN's Q-function update (loss, backward pass, Adam), for ``dqn.TorchQFunction``;
- :mod:`.ppo_numpy`: PPO's loss gradients written out, for ``PPO.autograd_gradients``.

Kernels import nothing from the agents; the agents import the kernels.
"""

from rldojo.baselines.kernels.dqn_numpy import NumpyMLPQFunction
from rldojo.baselines.kernels.numpy_mlp import layer_views, mlp_backward, mlp_forward
from rldojo.baselines.kernels.numpy_policy import NumpyActorCritic, numpy_inputs, sample_from_logits
from rldojo.baselines.kernels.ppo_numpy import NumpyPPOGradients

__all__ = [
    "NumpyActorCritic",
    "NumpyMLPQFunction",
    "NumpyPPOGradients",
    "layer_views",
    "mlp_backward",
    "mlp_forward",
    "numpy_inputs",
    "sample_from_logits",
]
