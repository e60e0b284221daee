"""The DeblurSDI joint training step in PyTorch, shaped exactly like the project's tfjs step
(src/solver/self_diffusion.ts with the networks of src/nn/), for speed comparisons (step_time.py).

Network code adapted from ../shared/reference/deblursdi_torch.py (the method's PyTorch yardstick),
changed only where the project differs: configurable width / skip width / levels / NonLocal levels,
resize only when the sizes differ, the loss as a sum of squares plus the `lp` kernel prior.

  loss = sum((conv2d(D(x_hat), flip(G(z_hat))) - y)^2) + lam * sum((k + 1e-12)^p)
  Adam with two parameter groups: lr 1e-3 (image net D), 2.5e-4 (kernel net G).

FLOPs: forward_flops() is the formula of bench/flops.ts (2 * MACs of convs, NonLocal matmuls, blur,
kernel MLP); keep the two in step.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class NonLocal(nn.Module):
    """theta = W_t x, phi = maxpool2(W_p x), g = maxpool2(W_g x); f = softmax(theta phi^T / (c/2)); z = x + BN(W_z f g)."""

    def __init__(self, c):
        super().__init__()
        self.i = max(1, c // 2)
        self.g = nn.Conv2d(c, self.i, 1)
        self.th = nn.Conv2d(c, self.i, 1)
        self.ph = nn.Conv2d(c, self.i, 1)
        self.W = nn.Sequential(nn.Conv2d(self.i, c, 1), nn.BatchNorm2d(c))
        nn.init.zeros_(self.W[1].weight)
        nn.init.zeros_(self.W[1].bias)

    def forward(self, x):
        b, c, h, w = x.shape
        pool = (lambda t: F.max_pool2d(t, 2)) if h >= 2 and w >= 2 else (lambda t: t)
        g = pool(self.g(x)).flatten(2).transpose(1, 2)
        th = self.th(x).flatten(2).transpose(1, 2)
        ph = pool(self.ph(x)).flatten(2)
        f = torch.softmax(th @ ph / self.i, -1)
        y = (f @ g).transpose(1, 2).reshape(b, self.i, h, w)
        return x + self.W(y)


def cbr(ci, co, k=3, st=1):
    """Reflection pad, conv (with bias), BatchNorm (batch statistics), LeakyReLU 0.2."""
    return nn.Sequential(nn.ReflectionPad2d(k // 2), nn.Conv2d(ci, co, k, st), nn.BatchNorm2d(co), nn.LeakyReLU(0.2, True))


class Skip(nn.Module):
    """SelfDeblur skip U-Net as src/nn/unet.ts: per level skip 1x1, down 3x3/2, NonLocal on the deepest levels, 3x3;
    decoder BN(concat(up, skip)), 3x3, 1x1; output sigmoid(1x1)."""

    def __init__(self, cin=1, ch=32, sk=16, levels=5, nonlocal_levels=3):
        super().__init__()
        self.L = levels
        self.down, self.skip, self.up = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        c = cin
        for i in range(levels):
            self.skip.append(cbr(c, sk, 1))
            blocks = [cbr(c, ch, 3, 2)] + ([NonLocal(ch)] if i >= levels - nonlocal_levels else []) + [cbr(ch, ch, 3)]
            self.down.append(nn.Sequential(*blocks))
            c = ch
        for _ in range(levels):
            self.up.append(nn.Sequential(nn.BatchNorm2d(ch + sk), cbr(ch + sk, ch, 3), cbr(ch, ch, 1)))
        self.out = nn.Conv2d(ch, cin, 1)

    def forward(self, x):
        sk, h = [], x
        for i in range(self.L):
            sk.append(self.skip[i](h))
            h = self.down[i](h)
        for i in reversed(range(self.L)):
            if h.shape[-2:] != sk[i].shape[-2:]:
                h = F.interpolate(h, size=sk[i].shape[-2:], mode='bilinear', align_corners=False)
            h = self.up[i](torch.cat([h, sk[i]], 1))
        return torch.sigmoid(self.out(h))


class KGen(nn.Module):
    """FC kernel net: k*k -> hidden (ReLU) x n -> k*k, softmax, as src/nn/kernel_generator.ts."""

    def __init__(self, k, hidden=1000, n=3):
        super().__init__()
        layers, d = [], k * k
        for _ in range(n):
            layers += [nn.Linear(d, hidden), nn.ReLU(True)]
            d = hidden
        layers += [nn.Linear(d, k * k)]
        self.net = nn.Sequential(*layers)
        self.k = k

    def forward(self, z):
        return torch.softmax(self.net(z), -1)


class JointStep:
    """Networks, inputs and Adam of one config; step() is one training step, loss() one evaluation."""

    def __init__(self, image, width, kernel, device, skip=16, levels=5, nonlocal_levels=3, hidden=1000, hidden_layers=3,
                 lr_image=1e-3, lr_kernel=2.5e-4, prior_weight=2e-3, prior_p=0.5, seed=0):
        torch.manual_seed(seed)
        n, k = image, kernel
        s = n + k - 1
        self.k, self.prior_weight, self.prior_p = k, prior_weight, prior_p
        self.D = Skip(1, width, skip, levels, nonlocal_levels).to(device)
        self.G = KGen(k, hidden, hidden_layers).to(device)
        self.opt = torch.optim.Adam([{'params': self.D.parameters(), 'lr': lr_image}, {'params': self.G.parameters(), 'lr': lr_kernel}])
        self.y = torch.rand(1, 1, n, n, device=device)
        self.x = torch.randn(1, 1, s, s, device=device)
        self.z = torch.randn(1, k * k, device=device)
        self.params = {'image': sum(p.numel() for p in self.D.parameters()), 'kernel': sum(p.numel() for p in self.G.parameters())}

    def loss(self):
        xo = self.D(self.x)
        ko = self.G(self.z)
        blurred = F.conv2d(xo, ko.view(1, 1, self.k, self.k).flip(-1, -2))  # correlation with the flipped kernel = true convolution
        return ((blurred - self.y) ** 2).sum() + self.prior_weight * ((ko + 1e-12) ** self.prior_p).sum()

    def step(self):
        """Forward, backward, Adam; returns the loss as a float (the read-back is the sync point)."""
        self.opt.zero_grad(set_to_none=True)
        value = self.loss()
        value.backward()
        self.opt.step()
        return value.item()

    def forward_only(self):
        with torch.no_grad():
            return self.loss().item()


def unet_macs(cin, levels, d, s, nonlocal_levels, height, width):
    """(conv MACs, NonLocal matmul MACs) of the U-Net on a height x width input (bench/flops.ts unetMacs)."""
    conv = matmul = 0
    h, w, c = height, width, cin
    sizes = []
    for i in range(levels):
        sizes.append(h * w)
        conv += h * w * c * s
        h, w = math.ceil(h / 2), math.ceil(w / 2)
        n = h * w
        conv += n * 9 * c * d
        if i >= levels - nonlocal_levels:
            m, c2 = (h // 2) * (w // 2), max(1, d // 2)
            conv += 3 * n * d * c2 + n * c2 * d
            matmul += 2 * n * m * c2
        conv += n * 9 * d * d
        c = d
    for n in sizes:
        conv += n * (9 * (d + s) * d + d * d)
    conv += height * width * d * cin
    return conv, matmul


def forward_flops(image, width, kernel, skip=16, levels=5, nonlocal_levels=3, hidden=1000, hidden_layers=3):
    """Forward FLOPs by part (bench/flops.ts forwardFlops): 2 * MACs."""
    s = image + kernel - 1
    conv, matmul = unet_macs(1, levels, width, skip, nonlocal_levels, s, s)
    dim = kernel * kernel
    mlp = dim * dim if hidden_layers == 0 else dim * hidden + (hidden_layers - 1) * hidden * hidden + hidden * dim
    parts = {'unetConv': 2 * conv, 'nonLocalMatmul': 2 * matmul, 'blur': 2 * image * image * kernel * kernel, 'kernelMlp': 2 * mlp}
    parts['total'] = sum(parts.values())
    return parts
