"""Fine-tunes the Magenta style transformer for video: the same style, less flicker.

Why: the per-frame network turns small input changes (sensor noise, compression, a subject moving by
a pixel or two) into different stroke placements; blending after the network removes that only by
showing older textures (issue 15). Gupta et al. 2017 ("Characterizing and improving stability in
neural style transfer") showed a transformer can be trained to be stable under such changes; this
script does it for our imported Magenta transformer without new style data: the original network is
the teacher.

Each step takes 4 crops (256x256) with a random style vector each (30% a mix of two), as pairs:
  - half of them (--real-pairs) two consecutive frames of a training clip, same crop; --pairs still
    (the shipped model) compares the outputs where the input held still (its change, box-filtered,
    under 0.04), --pairs flow compares the second output with the first carried along the Farneback
    flow where the flow is consistent both ways;
  - the rest a crop and a noisy copy (sigma 0.004-0.03, a brightness change of up to 0.015), 40% of
    them moved by 0-7 pixels (compared where they overlap).
Losses (weights --stab, --style, --content, --sharp):
  stability   mean squared difference of the pair's outputs (RGB 0..1) where compared;
  style       sum_l ||G_l(O)-G_l(R)||^2 / sum_l ||G_l(I)-G_l(R)||^2 over the five ResNet18 layers of
              `eval style` (1 - gram retention against the teacher's output R; I the input);
  content     ||F(O)-F(R)||^2 / ||F(I)-F(R)||^2 at layer2;
  sharp       (1 - Laplacian variance of O / that of R)^2 where O is blurrier (`eval flicker`'s sharpness).
Held out of training: help.mkv and walk.mkv (the clips issue 15 measures on) and the styles
starry-night and great-wave (two of its styles), so the measurements show what the training
generalises to. The defaults are the shipped model's settings (300 steps, seed 1); its checkpoint
comes out as OUT_DIR/style_transfer_300.onnx.

Usage: python3 train.py OUT_DIR --resnet FEATURES.onnx [--steps N] [--stab W] ...
(needs python3-torch, python3-onnx, python3-numpy, ffmpeg; --pairs flow also python3-opencv)
"""
import argparse
import glob
import math
import json
import os
import random
import subprocess
import time

import numpy as np
import torch

from onnx_torch import OnnxModule

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))
MEAN_BGR = torch.tensor([103.06, 115.90, 123.15]).reshape(1, 3, 1, 1)
HELD_OUT_STYLES = {"starry-night", "great-wave"}


def read_rgb(path, short_side, every=None, limit=None, pairs=False):
    """Frames (or one picture) as uint8 HxWx3 arrays, scaled to a short side, via ffmpeg."""
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                            "-of", "csv=p=0", path], capture_output=True, text=True, check=True)
    w, h = [int(v) for v in probe.stdout.strip().split(",")[:2]]
    scale = short_side / min(w, h)
    ow, oh = int(round(w * scale / 2)) * 2, int(round(h * scale / 2)) * 2
    vf = f"scale={ow}:{oh}:flags=area"
    if every and pairs:
        vf = f"select='lt(mod(n\\,{every})\\,2)'," + vf
    elif every:
        vf = f"select='not(mod(n\\,{every}))'," + vf
    cmd = ["ffmpeg", "-v", "error", "-i", path, "-vf", vf, "-vsync", "0"]
    if limit:
        cmd += ["-frames:v", str(limit)]
    cmd += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    raw = subprocess.run(cmd, capture_output=True, check=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, oh, ow, 3)
    return [f for f in frames]


def style_vectors(predictor):
    vectors, names = [], []
    for manifest in sorted(glob.glob(os.path.join(ROOT, "styles", "*", "style.json"))):
        name = os.path.basename(os.path.dirname(manifest))
        if name in HELD_OUT_STYLES:
            continue
        with open(manifest) as f:
            vectors.append(np.array(json.load(f)["vector"], np.float32))
        names.append(name)
    # Photos as style pictures too: the network is for any picture, not only paintings.
    for photo in sorted(glob.glob(os.path.join(SHARED, "photos", "*.*"))):
        if photo.endswith(".md"):
            continue
        img = read_rgb(photo, 256)[0]
        h, w, _ = img.shape
        y, x = (h - 256) // 2, (w - 256) // 2
        square = torch.from_numpy(img[y:y + 256, x:x + 256].astype(np.float32) / 255.0)[None]
        with torch.no_grad():
            vectors.append(predictor(square)[0].reshape(-1).numpy())
        names.append(os.path.basename(photo))
    return np.stack(vectors), names


def features(resnet, rgb_nhwc):
    bgr = rgb_nhwc.permute(0, 3, 1, 2).flip(1) * 255.0 - MEAN_BGR
    return resnet(bgr)


def gram(f):
    b, c, h, w = f.shape
    f = f.reshape(b, c, h * w)
    return f @ f.transpose(1, 2) / (c * h * w)


def flow_pair(first, second):
    """Consecutive frames, the flow from the second back to the first (Farneback, pixels) and where it
    is consistent with the forward flow (Sundaram et al. 2010's check), as float32 HxWx2 and HxW."""
    import cv2
    g1 = cv2.cvtColor(first, cv2.COLOR_RGB2GRAY)
    g2 = cv2.cvtColor(second, cv2.COLOR_RGB2GRAY)
    back = cv2.calcOpticalFlowFarneback(g2, g1, None, 0.5, 3, 15, 3, 5, 1.2, 0)
    forward = cv2.calcOpticalFlowFarneback(g1, g2, None, 0.5, 3, 15, 3, 5, 1.2, 0)
    h, w = g1.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    mx, my = xs + back[..., 0], ys + back[..., 1]
    there = cv2.remap(forward, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    loop = ((back + there) ** 2).sum(axis=2)
    size = (back ** 2).sum(axis=2) + (there ** 2).sum(axis=2)
    valid = (loop < 0.01 * size + 0.5).astype(np.float32)
    return first, second, back.astype(np.float32), valid


LAPLACIAN = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]).reshape(1, 1, 3, 3)
GREY = torch.tensor([0.299, 0.587, 0.114])


def laplacian_variance(rgb_nhwc):
    grey = (rgb_nhwc * GREY).sum(dim=3, keepdim=True).permute(0, 3, 1, 2)
    lap = torch.nn.functional.conv2d(grey, LAPLACIAN)
    return lap.var(dim=(1, 2, 3))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--crop", type=int, default=256)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--stab", type=float, default=100.0)
    ap.add_argument("--style", type=float, default=20.0)
    ap.add_argument("--content", type=float, default=2.0)
    ap.add_argument("--sharp", type=float, default=20.0)
    ap.add_argument("--real-pairs", type=float, default=0.5, help="share of the batch taken from consecutive video frames")
    ap.add_argument("--pairs", choices=["still", "flow"], default="still",
                    help="consecutive frames compared where the input held still (the shipped model), or along the optical flow")
    ap.add_argument("--synthetic", choices=["shift", "affine"], default="shift",
                    help="moved copies: whole-pixel shifts (the shipped model) or sub-pixel shifts with a small turn and zoom")
    ap.add_argument("--save-every", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mean-texture", action="store_true", help="Gram target: the mean of the teacher's textures of both versions")
    ap.add_argument("--init", help="start from this checkpoint instead of the original transformer")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--resnet", required=True, help="the ResNet18 feature graph the product writes (~/.cache/videostyler/resnet18-features-*.onnx)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)

    transformer_path = os.path.join(ROOT, "models", "magenta", "style_transfer.onnx")
    # --init: go on from an earlier run's checkpoint (the teacher stays the original transformer).
    student = OnnxModule(args.init or transformer_path, trainable=True)
    teacher = OnnxModule(transformer_path)
    predictor = OnnxModule(os.path.join(ROOT, "models", "magenta", "style_predict.onnx"))
    resnet = OnnxModule(args.resnet)
    for p in resnet.parameters():
        p.requires_grad_(False)

    started = time.time()
    vectors, vector_names = style_vectors(predictor)
    frames, pairs = [], []
    for clip, every in [("bottle-detection.mp4", 6), ("car-detection.mp4", 3)]:
        got = read_rgb(os.path.join(SHARED, "data", clip), 320, every=every, pairs=True)
        pairs += [flow_pair(got[i], got[i + 1]) if args.pairs == "flow" else (got[i], got[i + 1], None, None)
                  for i in range(0, len(got) - 1, 2)]
        frames += got[::2]
    for photo in sorted(glob.glob(os.path.join(SHARED, "photos", "*.*"))):
        if not photo.endswith(".md"):
            frames += read_rgb(photo, 320)
    print(f"{len(frames)} pictures, {len(pairs)} frame pairs, {len(vectors)} style vectors ({', '.join(vector_names[:6])}, ...), "
          f"{time.time() - started:.0f}s", flush=True)

    opt = torch.optim.Adam(student.parameters(), lr=args.lr)
    crop, margin = args.crop, 8
    log = open(os.path.join(args.out, "log.tsv"), "a")
    for step in range(1, args.steps + 1):
        a_list, b_list, shifts, masks, grids = [], [], [], [], []
        for _ in range(args.batch):
            real = random.random() < args.real_pairs
            if real and args.pairs == "still":
                # Two consecutive video frames, same crop: where the input did not move (its change,
                # box-filtered, under 4 levels in 100), the output must not change either. This is the
                # camera's and the codec's own noise, which the synthetic pairs below only imitate.
                first, second, _, _ = pairs[random.randrange(len(pairs))]
                h, w, _ = first.shape
                y, x = random.randrange(h - crop + 1), random.randrange(w - crop + 1)
                a = torch.from_numpy(first[y:y + crop, x:x + crop].astype(np.float32) / 255.0)
                b = torch.from_numpy(second[y:y + crop, x:x + crop].astype(np.float32) / 255.0)
                change = (a - b).abs().amax(dim=2)[None, None]
                change = torch.nn.functional.avg_pool2d(change, 5, stride=1, padding=2)[0, 0]
                mask = (change < 0.04).float()[..., None]
                grids.append(None)
                dy = dx = 0
            elif real:
                # Two consecutive video frames, same crop: the output of the second must be the output
                # of the first carried along the optical flow, where the flow is consistent both ways
                # (the warp error `eval flicker` measures). Real motion and the camera's and codec's own
                # noise, which the synthetic pairs below only imitate.
                first, second, back, valid = pairs[random.randrange(len(pairs))]
                h, w, _ = first.shape
                y, x = random.randrange(h - crop + 1), random.randrange(w - crop + 1)
                a = torch.from_numpy(first[y:y + crop, x:x + crop].astype(np.float32) / 255.0)
                b = torch.from_numpy(second[y:y + crop, x:x + crop].astype(np.float32) / 255.0)
                flow = torch.from_numpy(back[y:y + crop, x:x + crop].copy())
                mask = torch.from_numpy(valid[y:y + crop, x:x + crop].copy())
                # Where each pixel of the second crop came from in the first, in grid_sample's -1..1.
                ys, xs = torch.meshgrid(torch.arange(crop, dtype=torch.float32), torch.arange(crop, dtype=torch.float32), indexing="ij")
                sx, sy = xs + flow[..., 0], ys + flow[..., 1]
                inside = ((sx >= 0) & (sx <= crop - 1) & (sy >= 0) & (sy <= crop - 1)).float()
                grids.append(torch.stack([sx / (crop - 1) * 2 - 1, sy / (crop - 1) * 2 - 1], dim=-1))
                mask = (mask * inside)[..., None]
                dy = dx = 0
            else:
                img = frames[random.randrange(len(frames))]
                h, w, _ = img.shape
                y, x = random.randrange(h - crop - margin), random.randrange(w - crop - margin)
                patch = torch.from_numpy(img[y:y + crop + margin, x:x + crop + margin].astype(np.float32) / 255.0)
                if random.random() < 0.5:
                    patch = patch.flip(1)
                # Mostly still content with fresh noise (most of a video's pixels move less than half a
                # pixel between frames), sometimes content moved by a few pixels.
                dy, dx = (0, 0) if random.random() < 0.6 else (random.randrange(margin), random.randrange(margin))
                a = patch[:crop, :crop]
                if args.synthetic == "affine" and (dy or dx):
                    # Moved content the way a subject moves: a sub-pixel shift with a small turn and
                    # scale; the grid says where each pixel of the moved crop was in the first.
                    angle = math.radians(random.uniform(-2, 2))
                    zoom = random.uniform(0.98, 1.02)
                    ty, tx = random.uniform(-3, 3), random.uniform(-3, 3)
                    c = (crop - 1) / 2
                    ys, xs = torch.meshgrid(torch.arange(crop, dtype=torch.float32), torch.arange(crop, dtype=torch.float32), indexing="ij")
                    sx = (math.cos(angle) * (xs - c) - math.sin(angle) * (ys - c)) / zoom + c + tx
                    sy = (math.sin(angle) * (xs - c) + math.cos(angle) * (ys - c)) / zoom + c + ty
                    grid = torch.stack([sx / (crop - 1) * 2 - 1, sy / (crop - 1) * 2 - 1], dim=-1)
                    b = torch.nn.functional.grid_sample(a.permute(2, 0, 1)[None], grid[None], mode="bicubic", align_corners=True)[0].permute(1, 2, 0)
                    mask = ((sx >= 1) & (sx <= crop - 2) & (sy >= 1) & (sy <= crop - 2)).float()[..., None]
                    grids.append(grid)
                    dy = dx = 0
                else:
                    b = patch[dy:dy + crop, dx:dx + crop]
                    mask = torch.ones(crop, crop, 1)
                    grids.append(None)
                sigma = random.uniform(0.004, 0.03)
                b = (b + sigma * torch.randn_like(b) + random.uniform(-0.015, 0.015)).clamp(0, 1)
            if grids[-1] is None and not (dy or dx) and random.random() < 0.5:
                a, b = b, a  # the noisy (or later) one is the teacher's input half the time
            a_list.append(a)
            b_list.append(b)
            shifts.append((dy, dx))
            masks.append(mask)
        xa, xb = torch.stack(a_list), torch.stack(b_list)
        idx = np.random.randint(len(vectors), size=args.batch)
        mix = np.random.rand(args.batch, 1).astype(np.float32)
        other = np.random.randint(len(vectors), size=args.batch)
        use_mix = (np.random.rand(args.batch, 1) < 0.3).astype(np.float32)
        v = vectors[idx] * (1 - use_mix * mix) + vectors[other] * use_mix * mix
        v = torch.from_numpy(v.astype(np.float32)).reshape(args.batch, 1, 1, -1)

        oa = student(xa, v)[0]
        ob = student(xb, v)[0]
        with torch.no_grad():
            ref = teacher(xa, v)[0]
            ref_feats = features(resnet, ref)
        stab = 0.0
        for i, (dy, dx) in enumerate(shifts):
            m = masks[i][dy:, dx:]
            if grids[i] is not None:
                carried = torch.nn.functional.grid_sample(
                    oa[i:i + 1].permute(0, 3, 1, 2), grids[i][None], mode="bilinear", align_corners=True)[0].permute(1, 2, 0)
                diff = (ob[i] - carried) ** 2
            else:
                diff = (oa[i, dy:, dx:] - ob[i, :crop - dy, :crop - dx]) ** 2
            stab = stab + (diff * m).sum() / (3 * m.sum() + 1.0)
        stab = stab / args.batch
        # The same ratios `eval style` reports, against the teacher's output R and the input I:
        # 1 - gram_retention = sum_l ||G(O)-G(R)||^2 / sum_l ||G(I)-G(R)||^2 (per picture), and the content
        # drift ||F(O)-F(R)||^2 / ||F(I)-F(R)||^2 at layer2.
        feats = features(resnet, oa)
        with torch.no_grad():
            in_feats = features(resnet, xa)
        # --mean-texture: the Gram target is the mean of the teacher's textures for both versions of the
        # content, what a steady output can best keep of a per-frame output whose textures differ from
        # frame to frame; else the teacher's texture for this version.
        with torch.no_grad():
            other_feats = features(resnet, teacher(xb, v)[0]) if args.mean_texture else ref_feats
        lost, spread = 0.0, 0.0
        for f, r, o, i in zip(feats, ref_feats, other_feats, in_feats):
            gr = gram(r)
            target = 0.5 * (gr + gram(o)) if args.mean_texture else gr
            lost = lost + ((gram(f) - target) ** 2).sum(dim=(1, 2))
            spread = spread + ((gram(i) - gr) ** 2).sum(dim=(1, 2))
        style = (lost / (spread + 1e-12)).mean()
        content = (((feats[2] - ref_feats[2]) ** 2).sum(dim=(1, 2, 3))
                   / (((in_feats[2] - ref_feats[2]) ** 2).sum(dim=(1, 2, 3)) + 1e-6)).mean()
        # Sharpness as `eval flicker` measures it (Laplacian variance of the grey picture against the
        # teacher's): stability must not be bought with blur.
        sharp = (torch.relu(1.0 - laplacian_variance(oa) / (laplacian_variance(ref) + 1e-6)) ** 2).mean()
        loss = args.stab * stab + args.style * style + args.content * content + args.sharp * sharp
        if not torch.isfinite(loss):
            print(f"{step}\tskipped: loss not finite", flush=True)
            continue
        opt.zero_grad()
        loss.backward()
        opt.step()
        line = f"{step}\t{loss.item():.5f}\t{stab.item():.6f}\t{style.item():.5f}\t{content.item():.5f}\t{sharp.item():.5f}\t{time.time() - started:.0f}"
        log.write(line + "\n")
        if step % 10 == 0 or step == 1:
            print(line, flush=True)
            log.flush()
        if step % args.save_every == 0 or step == args.steps:
            student.write_back(os.path.join(args.out, f"style_transfer_{step}.onnx"))


if __name__ == "__main__":
    main()
