"""Runs an ONNX graph with PyTorch operations, so that its float weights can be trained.

Only the operators of the three graphs the stabilizer needs are implemented (the Magenta style
transformer and predictor as our TFLite importer writes them, and the ResNet18 feature network the
product measures with); any other operator raises. Float initializers become parameters (trainable
when asked), everything else stays a buffer. `write_back` puts trained values into a copy of the
original ONNX file, so the graph, its names and its metadata stay exactly as they were.
"""
import math

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import helper, numpy_helper


def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _same_upper(size, kernel, stride):
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def _pad_hw(x, pads, mode="constant", value=0.0):
    # ONNX pads for the two spatial dims: [h_begin, w_begin, h_end, w_end].
    hb, wb, he, we = pads
    if hb == wb == he == we == 0:
        return x
    return F.pad(x, (wb, we, hb, he), mode=mode, value=value) if mode == "constant" else F.pad(x, (wb, we, hb, he), mode=mode)


class OnnxModule(torch.nn.Module):
    def __init__(self, path, trainable=False):
        super().__init__()
        self.path = path
        model = onnx.load(path)
        self.graph = model.graph
        self.names = {}
        self.params = torch.nn.ParameterDict()
        self.consts = {}
        for i, init in enumerate(self.graph.initializer):
            array = numpy_helper.to_array(init)
            key = f"p{i}"
            self.names[init.name] = key
            if array.dtype == np.float32 and trainable:
                self.params[key] = torch.nn.Parameter(torch.from_numpy(array.copy()))
            else:
                self.consts[key] = torch.from_numpy(array.copy())
        self.inputs = [i.name for i in self.graph.input if i.name not in self.names]
        self.outputs = [o.name for o in self.graph.output]
        self.nodes = [(n.op_type, list(n.input), list(n.output), _attrs(n)) for n in self.graph.node]

    def _value(self, name, env):
        if name in env:
            return env[name]
        key = self.names[name]
        return self.params[key] if key in self.params else self.consts[key]

    def forward(self, *args, outputs=None):
        env = dict(zip(self.inputs, args))
        wanted = outputs or self.outputs
        remaining = set(wanted)
        for op, ins, outs, at in self.nodes:
            x = [self._value(n, env) if n else None for n in ins]
            env[outs[0]] = self._run(op, x, at)
            remaining.discard(outs[0])
            if not remaining:
                break
        return [env[n] for n in wanted]

    @staticmethod
    def _run(op, x, at):
        if op == "Transpose":
            return x[0].permute(*at["perm"])
        if op == "Pad":
            pads = [int(v) for v in x[1].tolist()]
            rank = len(pads) // 2
            assert rank == 4 and pads[0] == pads[1] == pads[4] == pads[5] == 0, pads
            mode = at.get("mode", b"constant").decode()
            value = float(x[2]) if len(x) > 2 and x[2] is not None else 0.0
            return _pad_hw(x[0], [pads[2], pads[3], pads[6], pads[7]], mode, value)
        if op == "Conv":
            w = x[1]
            b = x[2] if len(x) > 2 else None
            kh, kw = w.shape[2], w.shape[3]
            strides = at.get("strides", [1, 1])
            inp = x[0]
            if at.get("auto_pad", b"NOTSET") == b"SAME_UPPER":
                hb, he = _same_upper(inp.shape[2], kh, strides[0])
                wb, we = _same_upper(inp.shape[3], kw, strides[1])
                inp = _pad_hw(inp, [hb, wb, he, we])
            else:
                inp = _pad_hw(inp, at.get("pads", [0, 0, 0, 0]))
            return F.conv2d(inp, w, b, stride=strides, dilation=at.get("dilations", [1, 1]), groups=at.get("group", 1))
        if op == "Relu":
            return F.relu(x[0])
        if op == "Sigmoid":
            return torch.sigmoid(x[0])
        if op == "ReduceMean":
            return x[0].mean(dim=at["axes"], keepdim=bool(at.get("keepdims", 1)))
        if op == "Sub":
            return x[0] - x[1]
        if op == "Mul":
            return x[0] * x[1]
        if op == "Add":
            return x[0] + x[1]
        if op == "Sqrt":
            return torch.sqrt(x[0])
        if op == "Reciprocal":
            return 1.0 / x[0]
        if op == "Resize":
            assert at.get("mode") == b"nearest" and at.get("coordinate_transformation_mode") == b"asymmetric"
            scales = x[2].tolist()
            assert scales[0] == scales[1] == 1.0 and float(scales[2]).is_integer(), scales
            return F.interpolate(x[0], scale_factor=(scales[2], scales[3]), mode="nearest")
        if op == "BatchNormalization":
            return F.batch_norm(x[0], x[3], x[4], x[1], x[2], training=False, eps=at.get("epsilon", 1e-5))
        if op == "MaxPool":
            hb, wb, he, we = at.get("pads", [0, 0, 0, 0])
            inp = _pad_hw(x[0], [hb, wb, he, we], value=-float("inf"))
            return F.max_pool2d(inp, at["kernel_shape"], at["strides"])
        if op == "DequantizeLinear":
            q = x[0].to(torch.float32)
            scale, zero = x[1].to(torch.float32), x[2].to(torch.float32)
            axis = at.get("axis", 1)
            if scale.dim() == 1 and scale.numel() > 1:
                shape = [1] * q.dim()
                shape[axis] = -1
                scale, zero = scale.reshape(shape), zero.reshape(shape)
            return (q - zero) * scale
        if op == "Clip":
            lo = float(x[1]) if len(x) > 1 and x[1] is not None else None
            hi = float(x[2]) if len(x) > 2 and x[2] is not None else None
            return torch.clamp(x[0], lo, hi)
        raise NotImplementedError(op)

    def write_back(self, target):
        model = onnx.load(self.path)
        for init in model.graph.initializer:
            key = self.names[init.name]
            if key in self.params:
                init.CopyFrom(numpy_helper.from_array(self.params[key].detach().numpy().astype(np.float32), init.name))
        onnx.save(model, target)
