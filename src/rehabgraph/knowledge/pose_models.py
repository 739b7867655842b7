"""The model of ``poses.yaml``: a stick figure per exercise, in one or two key frames.

A pose is an illustration, not a medical fact: it shows what the exercise's steps say, so it
cites nothing of its own. The format is small enough to edit by hand:

* The skeleton is fixed: a trunk from the ``pelvis`` up to the ``neck`` (the shoulder line),
  the ``head`` above it, and for each side (``left_`` / ``right_``) the ``elbow``, ``wrist`` and
  ``hand`` (the fingertips) of the arm, and the ``knee``, ``ankle`` and ``foot`` (the toes) of
  the leg. Shoulders and hips are placed from the neck and the pelvis.
* A frame gives each joint as the **direction** of the bone that ends at it, in degrees
  counter-clockwise from pointing right: 0 is right, 90 up, 180 left, 270 (or -90) down.
  ``left_knee: 270`` is a thigh hanging straight down from the hip; ``left_foot: 0`` toes
  pointing right. ``[angle, scale]`` shortens a bone that points towards or away from you
  (scale 0.2 to 1).
* In a ``side`` view the figure faces right and its left side is towards you (drawn dark, its
  right side light behind); in a ``front`` view it faces you, its left side on your right; a
  ``top`` view looks down on it lying on the floor (as a front view, without the floor).
* The first frame starts from standing upright, arms by the sides (every joint not given is as
  in standing); the second starts from the first, so it gives only what moves.
* The figure stands on the floor (its lowest point at height 0, its pelvis at x 0) unless the
  frame gives an ``anchor``: a joint and where it is (``{joint: left_ankle, at: [0, 20]}``, on
  a step 20 high). The second frame keeps the first's anchor unless it gives its own.
* ``props`` (a step, a chair, a wall, a band ...) are drawn in every frame; a frame's own
  ``props`` only in that frame. A prop's point is ``[x, y]``, a joint (``left_hand``), or a
  joint and an offset (``[left_hand, 0, 4]``), so it moves with the figure.

Units are centimetres of a figure 165 cm tall (the bone lengths are ``BONES``).
"""

import math
from collections.abc import Mapping
from typing import Annotated, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from rehabgraph.knowledge.fields import Id, Model, Phrase, Ref, Text
from rehabgraph.suggest import close_matches

__all__ = [
    "BONES",
    "HEAD_RADIUS",
    "JOINTS",
    "Anchor",
    "Focus",
    "Frame",
    "HandShape",
    "Placed",
    "Pose",
    "PosesFile",
    "Prop",
    "PropKind",
    "locate",
]

# joint -> (the joint it hangs from, the bone's length); the shoulders and hips are placed
_SIDED_BONES = {
    "elbow": ("shoulder", 29.0),
    "wrist": ("elbow", 25.0),
    "hand": ("wrist", 9.0),
    "knee": ("hip", 43.0),
    "ankle": ("knee", 42.0),
    "foot": ("ankle", 14.0),
}
BONES: dict[str, tuple[str, float]] = {
    "neck": ("pelvis", 50.0),
    "head": ("neck", 15.0),
    **{
        f"{side}_{joint}": (f"{side}_{parent}", length)
        for side in ("left", "right")
        for joint, (parent, length) in _SIDED_BONES.items()
    },
}
JOINTS: tuple[str, ...] = tuple(BONES)
HEAD_RADIUS = 9.0
_SHOULDER_HALF = 16.0  # in a front view: half the shoulders' width
_HIP_HALF = 8.0
_STANDING: dict[str, float] = {
    "neck": 90.0,
    "head": 90.0,
    **{f"{s}_{j}": 270.0 for s in ("left", "right") for j in ("elbow", "wrist", "hand")},
    **{f"{s}_{j}": 270.0 for s in ("left", "right") for j in ("knee", "ankle")},
    "left_foot": 0.0,
    "right_foot": 0.0,
}
_FRONT_FEET = {"left_foot": (315.0, 0.45), "right_foot": (225.0, 0.45)}
_SIDE_ARMS = {
    "left_elbow": (277.0, 1.0),
    "left_wrist": (282.0, 1.0),
    "left_hand": (282.0, 1.0),
    "right_elbow": (265.0, 1.0),
    "right_wrist": (262.0, 1.0),
    "right_hand": (262.0, 1.0),
}
# the most a figure may sink below the floor (its drawn lines are a few units thick)
_BELOW_FLOOR = 1.5
_EXTENT = 400.0  # no point of a pose lies further than this from the origin

PropKind = Literal[
    "step",
    "stool",
    "chair",
    "table",
    "bed",
    "wall",
    "doorway",
    "rail",
    "mirror",
    "cushion",
    "towel",
    "ball",
    "weight",
    "ankle-weight",
    "band",
    "bar",
    "anchor",
    "arrow",
    "ring",
]
# kinds drawn as a box from `at` (its bottom-left corner) with a `size` [width, height]
_BOXES = {"step", "stool", "chair", "table", "bed", "wall", "doorway", "mirror"}
# kinds drawn along `points` (two or more)
_LINES = {"band", "bar"}

Number = Annotated[float, Field(ge=-_EXTENT, le=_EXTENT)]
Point = tuple[Number, Number]
JointPoint = tuple[str, Number, Number]
Where = str | Point | JointPoint


def _check_joint(name: str, known: tuple[str, ...] = JOINTS) -> str:
    if name not in known:
        near = close_matches(name, known)
        hint = f" (did you mean {', '.join(repr(n) for n in near)}?)" if near else ""
        raise ValueError(f"unknown joint {name!r}{hint}; the joints are {', '.join(known)}")
    return name


_PLACEABLE: tuple[str, ...] = (
    "pelvis",
    "left_shoulder",
    "right_shoulder",
    "left_hip",
    "right_hip",
    *JOINTS,
)


def _check_where(where: Where) -> Where:
    if isinstance(where, str):
        _check_joint(where, _PLACEABLE)
    elif len(where) == 3:  # noqa: PLR2004 - a joint and its offset
        _check_joint(str(where[0]), _PLACEABLE)
    return where


class Anchor(Model):
    joint: str
    at: Point

    @field_validator("joint")
    @classmethod
    def _known(cls, value: str) -> str:
        return _check_joint(value, _PLACEABLE)


class Focus(Model):
    """Show only a square of ``size`` around ``at``: for a hand or a jaw, too small in the
    whole figure."""

    at: Where
    size: float = Field(ge=20, le=300)

    @field_validator("at")
    @classmethod
    def _known(cls, value: Where) -> Where:
        return _check_where(value)


class Prop(Model):
    """Something drawn beside the figure: furniture, a band, a ball, an arrow of push."""

    kind: PropKind
    at: Where | None = Field(
        default=None,
        description="A box's bottom-left corner; a small prop's centre; an arrow's tail.",
    )
    size: list[Annotated[float, Field(gt=0, le=300)]] | None = Field(
        default=None,
        max_length=2,
        description="A box's [width, height]; a small prop's [diameter] or [width, height]; an "
        "arrow's [length].",
    )
    points: list[Where] = Field(
        default_factory=list, description="A band's or a bar's points, in order (two or more)."
    )
    angle: float = Field(
        default=0.0, ge=-360, le=360, description="An arrow's direction; a weight's tilt."
    )
    flip: bool = Field(default=False, description="A chair's back on its right, not its left.")

    @model_validator(mode="after")
    def _placed(self) -> "Prop":
        for where in (self.at, *self.points):
            if where is not None:
                _check_where(where)
        if self.kind in _LINES:
            if len(self.points) < 2:  # noqa: PLR2004
                raise ValueError(f"a {self.kind} needs `points`: two or more")
        elif self.at is None:
            raise ValueError(f"a {self.kind} needs `at`")
        elif self.points:
            raise ValueError(f"a {self.kind} has no `points`; `at` places it")
        if self.kind in _BOXES and (self.size is None or len(self.size) != 2):  # noqa: PLR2004
            raise ValueError(f"a {self.kind} needs `size`: [width, height]")
        return self


Bone = float | tuple[float, float]
HandShape = Literal["open", "fist", "spread", "palm-up", "palm-down"]
Mouth = Literal["closed", "half", "open"]


class Frame(Model):
    """One key frame: the joints that differ from the frame before, and what it shows."""

    label: Phrase = Field(description="The caption under the frame: what the person does.")
    joints: dict[str, Bone] = Field(default_factory=dict)
    anchor: Anchor | None = None
    chest: Literal["right", "left", "up", "down", "front", "back"] | None = Field(
        default=None,
        description="Which way the chest faces, where the trunk alone does not say (lying on "
        "your back: up; on your front: down). Default: as in the frame before; first, right "
        "in a side view, front in a front view.",
    )
    face: float | None = Field(
        default=None,
        ge=-360,
        le=360,
        description="The direction the nose points (a side view), when it is not at right "
        "angles to the head's bone (a chin tuck keeps the eyes level).",
    )
    mouth: Mouth | None = None
    hands: dict[Literal["left", "right"], HandShape] = Field(
        default_factory=dict,
        description="A hand's shape where it matters: open (a line, the default), fist, "
        "spread (the fingers fanned), palm-up or palm-down (the palm marked).",
    )
    props: list[Prop] = Field(default_factory=list)

    @field_validator("joints")
    @classmethod
    def _known_joints(cls, value: dict[str, Bone]) -> dict[str, Bone]:
        for name, bone in value.items():
            _check_joint(name)
            angle, scale = bone if isinstance(bone, tuple) else (bone, 1.0)
            if not -360 <= angle <= 360:  # noqa: PLR2004
                raise ValueError(f"{name}: {angle} is not an angle from -360 to 360")
            if not 0.2 <= scale <= 1.0:  # noqa: PLR2004
                raise ValueError(
                    f"{name}: a bone is shown at 0.2 to 1 times its length, not {scale}"
                )
        return value


class Placed(Model):
    """A frame worked out: every point of the figure, where the chest and nose face."""

    points: dict[str, tuple[float, float]]
    angles: dict[str, float]
    chest: tuple[float, float]  # a unit vector
    face: tuple[float, float]  # a unit vector: where the nose points
    mouth: Mouth
    hands: dict[str, HandShape]


class Pose(Model):
    """The stick figure of one exercise (its ``id``), in one or two key frames."""

    entry_kind: ClassVar[str | None] = "pose"
    id: Annotated[Id, Ref("exercise")] = Field(description="The exercise it draws.")
    view: Literal["side", "front", "top"] = Field(
        default="side",
        description="side: the figure faces right; front: it faces you; top: you look down "
        "on it lying on the floor (no floor line; its left on your right, as in front).",
    )
    props: list[Prop] = Field(default_factory=list)
    focus: Focus | None = Field(
        default=None,
        description="Show only a square around a point (in the middle of where it is in the "
        "frames): for a hand or a jaw, where the whole figure is too small.",
    )
    frames: list[Frame] = Field(min_length=1, max_length=2)
    note: Text | None = Field(default=None, description="For authors: what the drawing leaves out.")

    @model_validator(mode="after")
    def _plausible(self) -> "Pose":
        for i, placed in enumerate(self.placed()):
            where = f"frames[{i}] ({self.frames[i].label!r})"
            for name, (x, y) in placed.points.items():
                if y < -_BELOW_FLOOR and self.view != "top":
                    raise ValueError(f"{where}: {name} is {-y:.0f} below the floor")
                if abs(x) > _EXTENT or y > _EXTENT:
                    raise ValueError(f"{where}: {name} is off the page at ({x:.0f}, {y:.0f})")
        return self

    def placed(self) -> list[Placed]:
        """Every frame worked out, in order."""
        out: list[Placed] = []
        bones: dict[str, tuple[float, float]] = {j: (a, 1.0) for j, a in _STANDING.items()}
        anchor: Anchor | None = None
        if self.view != "side":  # the feet point at you, a little outwards
            bones.update(_FRONT_FEET)
        else:  # the arms a little apart, so the nearer one shows beside the trunk
            bones.update(_SIDE_ARMS)
        chest = "right" if self.view == "side" else "front"
        mouth: Mouth = "closed"
        hands: dict[str, HandShape] = {"left": "open", "right": "open"}
        for frame in self.frames:
            for name, bone in frame.joints.items():
                bones[name] = bone if isinstance(bone, tuple) else (float(bone), 1.0)
            anchor = frame.anchor or anchor
            chest = frame.chest or chest
            mouth = frame.mouth or mouth
            hands = dict(hands)
            for side, shape in frame.hands.items():
                hands[side] = shape
            points = _place(bones, self.view, anchor)
            out.append(
                Placed(
                    points=points,
                    angles={j: a for j, (a, _) in bones.items()},
                    chest=_chest(bones["neck"][0], chest, self.view),
                    face=_face(bones, frame.face, chest, self.view),
                    mouth=mouth,
                    hands=hands,
                )
            )
        return out


def _unit(angle: float) -> tuple[float, float]:
    rad = math.radians(angle)
    return (math.cos(rad), math.sin(rad))


_CHEST_DIRECTIONS = {"right": 0.0, "up": 90.0, "left": 180.0, "down": 270.0}


def _chest(trunk: float, chest: str, view: str) -> tuple[float, float]:
    """The chest's direction: at right angles to the trunk, on the side ``chest`` names (a
    front view's 'front' is towards you: no direction in the picture)."""
    if view != "side" or chest not in _CHEST_DIRECTIONS:
        return (0.0, 0.0)
    want = _unit(_CHEST_DIRECTIONS[chest])
    one, other = _unit(trunk - 90), _unit(trunk + 90)
    dot = one[0] * want[0] + one[1] * want[1]
    return one if dot >= other[0] * want[0] + other[1] * want[1] else other


def _face(
    bones: Mapping[str, tuple[float, float]], face: float | None, chest: str, view: str
) -> tuple[float, float]:
    if view != "side":
        return (0.0, 0.0)
    if face is not None:
        return _unit(face)
    return _chest(bones["head"][0], chest, view)


def _place(
    bones: Mapping[str, tuple[float, float]], view: str, anchor: Anchor | None
) -> dict[str, tuple[float, float]]:
    """Every point of the figure, from the pelvis out, then moved to its anchor."""
    points: dict[str, tuple[float, float]] = {"pelvis": (0.0, 0.0)}

    def tip(joint: str) -> tuple[float, float]:
        parent, length = BONES[joint]
        angle, scale = bones[joint]
        dx, dy = _unit(angle)
        px, py = points[parent]
        return (px + dx * length * scale, py + dy * length * scale)

    points["neck"] = tip("neck")
    points["head"] = tip("head")
    trunk = bones["neck"][0]
    for side, sign in (("left", -1.0), ("right", 1.0)):
        # a front view: the figure faces you, so its left side is on your right
        across = _unit(trunk + 90 * sign) if view != "side" else (0.0, 0.0)
        nx, ny = points["neck"]
        px, py = points["pelvis"]
        points[f"{side}_shoulder"] = (
            nx + across[0] * _SHOULDER_HALF,
            ny + across[1] * _SHOULDER_HALF,
        )
        points[f"{side}_hip"] = (px + across[0] * _HIP_HALF, py + across[1] * _HIP_HALF)
        for joint in ("elbow", "wrist", "hand", "knee", "ankle", "foot"):
            points[f"{side}_{joint}"] = tip(f"{side}_{joint}")
    if anchor is None and view == "top":  # looking down: the pelvis at the origin
        dx, dy = 0.0, 0.0
    elif anchor is None:  # on the floor: the lowest point at 0, the pelvis at x 0
        low = min(*(y for _, y in points.values()), points["head"][1] - HEAD_RADIUS)
        dx, dy = 0.0, -low
    else:
        ax, ay = points[anchor.joint]
        dx, dy = anchor.at[0] - ax, anchor.at[1] - ay
    return {name: (x + dx, y + dy) for name, (x, y) in points.items()}


def locate(where: Where, points: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
    """A prop's point in a placed frame."""
    if isinstance(where, str):
        return points[where]
    if len(where) == 3:  # noqa: PLR2004
        x, y = points[str(where[0])]
        return (x + float(where[1]), y + float(where[2]))
    return (float(where[0]), float(where[1]))


class PosesFile(Model):
    poses: list[Pose]
