"""CartPole seen from pixels: the course's "more difficult example" as a Gymnasium env."""

from __future__ import annotations

from collections import deque
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.envs.classic_control.cartpole import CartPoleEnv

from rldojo.envs.common import (
    check_action,
    check_choice,
    check_integer,
    check_number,
    check_render_mode,
    check_reset_options,
)
from rldojo.envs.rendering import Window, import_pygame, surface_to_array

# CartPole-v1 draws a 600x400 frame: the cart's top at 100 px above the bottom edge,
# the pole 125 px long. Rows 160..320 from the top hold the cart and the whole pole.
SCREEN_WIDTH, SCREEN_HEIGHT = 600, 400
CROP_TOP, CROP_BOTTOM = 160, 320
CROP_WIDTH = 320  # the window around the cart, in screen pixels
GRAY_WEIGHTS = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601 luma


class CartPolePixelsEnv(gym.Env):
    """
    ## Description

    CartPole-v1 (Barto, Sutton and Anderson's cart-pole) with the physics state hidden:
    the agent sees the frames CartPole-v1 renders, as the course's "more difficult
    example" does. Each frame is cropped to a band around the cart (the cart and the
    whole pole, a 320 px window that follows the cart and stops at the screen's edges, so
    the cart drifts off-centre near an edge), turned to grayscale, inverted (the cart and
    pole bright on black) and downscaled by ``downscale`` by block averaging. One frame
    cannot show velocities, so the observation stacks the last ``frame_stack`` frames
    or, with ``difference=True``, the newest frame and the differences between successive frames.

    ## Action Space

    ``Discrete(2)``: 0 pushes the cart left, 1 pushes it right (as CartPole-v1). An action is a
    Python int, a numpy integer or a 0-d integer array; anything else (a float, a string, a
    bool, None, a value out of range) raises a ValueError naming the action.

    ## Observation Space

    ``Box(0, 255, (frame_stack, 160 // downscale, crop_width // downscale), uint8)``, channels
    first: ``(4, 40, 80)`` by default. Channel 0 is the newest frame. With ``difference=True``
    channel ``i >= 1`` holds ``128 + (frame[t-i+1] - frame[t-i]) / 2``.

    ## Rewards

    +1 for every step, including the last (as CartPole-v1).

    ## Starting State

    CartPole-v1's: every state variable uniform in [-0.05, 0.05]. The frame stack starts
    filled with the first frame (differences 128). ``reset(options={"low": ..., "high": ...})`` sets
    other bounds for the uniform draw, as in CartPole-v1 (finite numbers, ``low <= high``).

    ## Episode End

    Terminated when the pole leans more than 12 degrees or the cart's centre leaves
    the screen (|x| > 2.4); truncated after 500 steps (``max_episode_steps`` at registration).

    ## Arguments

    ```python
    gym.make("CartPolePixels-v0", frame_stack=4, difference=False, downscale=4, crop_width=320,
             render_mode=None)
    ```

    - ``frame_stack`` (default ``4``): frames in an observation, an integer from 1 to 8.
    - ``difference`` (default ``False``): ``True`` makes the channels after the first frame
      differences instead of older frames (needs ``frame_stack`` >= 2).
    - ``downscale`` (default ``4``): the block size of the downscaling, one of 1, 2, 4, 5, 8.
    - ``crop_width`` (default ``320``): the width in screen pixels of the window around the cart,
      an integer from 80 to 600 and a multiple of ``downscale``; 600 shows the whole track, so the
      cart's position is visible.
    - ``render_mode`` (default ``None``): ``None``, ``"rgb_array"`` (returns CartPole's full
      600x400 frame) or ``"human"`` (shows it).

    ``info["state"]`` holds the hidden physics state (x, x_dot, theta, theta_dot), for analysis.

    ## Version History

    - v0: first version.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["human", "rgb_array"], "render_fps": 50}

    def __init__(
        self,
        frame_stack: int = 4,
        difference: bool = False,
        downscale: int = 4,
        crop_width: int = CROP_WIDTH,
        render_mode: str | None = None,
    ):
        check_integer("frame_stack", frame_stack, 1, 8)
        check_choice("difference", difference, (False, True))
        check_integer("downscale", downscale, 1)  # 4.0 and True are refused, not taken for 4 and 1
        check_choice("downscale", downscale, (1, 2, 4, 5, 8))
        if (
            isinstance(crop_width, bool)
            or not isinstance(crop_width, (int, np.integer))
            or not 80 <= crop_width <= SCREEN_WIDTH
            or crop_width % downscale
        ):
            raise ValueError(
                f"crop_width must be an integer from 80 to {SCREEN_WIDTH}, a multiple of downscale "
                f"({downscale}), got {crop_width!r}"
            )
        check_render_mode(render_mode, self.metadata)
        if difference and frame_stack < 2:
            raise ValueError("difference=True needs frame_stack >= 2 (the newest frame plus differences)")
        self.frame_stack = int(frame_stack)
        self.difference = bool(difference)
        self.downscale = int(downscale)
        self.render_mode = render_mode
        self.height = (CROP_BOTTOM - CROP_TOP) // self.downscale
        self.crop_width = int(crop_width)
        self.width = self.crop_width // self.downscale
        self.observation_space = spaces.Box(0, 255, (self.frame_stack, self.height, self.width), np.uint8)
        self.action_space = spaces.Discrete(2)
        # the cart-pole itself always draws off-screen; "human" mode shows its frames in a window
        self._cartpole = CartPoleEnv(render_mode="rgb_array")
        # Any render mode other than "human" and "rgb_array" makes CartPole draw to its
        # off-screen surface without copying the whole frame out; we crop from the surface.
        self._cartpole.render_mode = "surface"
        self._frames: deque[np.ndarray] = deque(maxlen=self.frame_stack)
        self._window = None

    # -- frames -------------------------------------------------------------------------

    def _draw(self):
        """Have CartPole draw the current state; returns its 600x400 surface (or an array)."""
        out = self._cartpole.render()
        return out if isinstance(out, np.ndarray) else self._cartpole.screen

    def _process(self, drawn) -> np.ndarray:
        """Crop around the cart, downscale, grayscale, invert: (H, W) uint8."""
        pygame = import_pygame()
        cart_x = self._cartpole.state[0] * (SCREEN_WIDTH / (2 * self._cartpole.x_threshold)) + SCREEN_WIDTH / 2
        left = int(np.clip(cart_x - self.crop_width / 2, 0, SCREEN_WIDTH - self.crop_width))
        if isinstance(drawn, np.ndarray):
            drawn = pygame.surfarray.make_surface(np.transpose(drawn, (1, 0, 2)))
        band = drawn.subsurface((left, CROP_TOP, self.crop_width, CROP_BOTTOM - CROP_TOP))
        if self.downscale > 1:
            # pygame's smoothscale averages the source pixels under each target pixel, in C
            band = pygame.transform.smoothscale(band, (self.width, self.height))
        rgb = pygame.surfarray.pixels3d(band)  # (W, H, 3) view, no copy
        gray = 255.0 - rgb @ GRAY_WEIGHTS
        del rgb  # release the surface lock
        return np.ascontiguousarray(np.clip(np.rint(gray), 0, 255).astype(np.uint8).T)

    def _observation(self) -> np.ndarray:
        frames = list(self._frames)[::-1]  # newest first
        if not self.difference:
            return np.stack(frames, axis=0)
        out = np.empty((self.frame_stack, self.height, self.width), dtype=np.uint8)
        out[0] = frames[0]
        for i in range(1, self.frame_stack):
            diff = frames[i - 1].astype(np.int16) - frames[i].astype(np.int16)
            out[i] = (128 + diff // 2).astype(np.uint8)
        return out

    # -- the Gymnasium API ----------------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        options = check_reset_options(options, ("low", "high"))
        low = check_number("reset option low", options.get("low", -0.05))
        high = check_number("reset option high", options.get("high", 0.05))
        if low > high:
            raise ValueError(f"reset options low and high must have low <= high, got low={low!r}, high={high!r}")
        super().reset(seed=seed)
        # CartPole draws its randomness from our generator, so one seed fixes the episode.
        self._cartpole.np_random = self.np_random
        state, info = self._cartpole.reset(options=options)
        frame = self._process(self._draw())
        self._frames.clear()
        for _ in range(self.frame_stack):
            self._frames.append(frame)
        if self.render_mode == "human":
            self.render()
        return self._observation(), {**info, "state": np.array(state, dtype=np.float32)}

    def step(self, action):
        push = check_action(action, 2, "0 push left, 1 push right")
        if self._cartpole.state is None:
            raise RuntimeError("call reset() before step()")
        state, reward, terminated, truncated, info = self._cartpole.step(push)
        self._frames.append(self._process(self._draw()))
        if self.render_mode == "human":
            self.render()
        return (
            self._observation(),
            float(reward),
            bool(terminated),
            bool(truncated),
            {**info, "state": np.array(state, dtype=np.float32)},
        )

    def render(self):
        if self.render_mode is None:
            gym.logger.warn("render() was called without a render_mode; pass render_mode='rgb_array' or 'human'")
            return None
        screen = self._cartpole.screen
        if screen is None:
            return None
        if self.render_mode == "rgb_array":
            return surface_to_array(screen)
        if self._window is None:
            self._window = Window("CartPolePixels-v0", self.metadata["render_fps"])
        self._window.show(screen)
        return None

    def close(self):
        if self._window is not None:
            self._window.close()
            self._window = None
        # Not CartPole's own close(): it calls pygame.quit(), which would shut pygame down
        # under every other renderer in the process. Dropping its surfaces is enough.
        self._cartpole.screen = None
        self._cartpole.surf = None
