"""The papers' networks in PyTorch, with their reference repositories' state-dict names.

Written for this package from the structure of the reference modules (not copied from them):

* `VGG16`, `VGG16BN`, `PreResNet110`, `PreResNet164`, `WideResNet28x10`: timgaripov/dnn-mode-connectivity,
  models/vgg.py, models/preresnet.py, models/wide_resnet.py (their `*Base` classes);
* `ResNet32`: IBM/NeuronAlignment, models/resnet.py (`ResNetBase` with five basic blocks per stage).

A state dict saved from those repositories' modules (`torch.save(model.state_dict())`, then written
with safetensors) loads into these with strict=True, and into the engine's networks of the same
names (Sources/Networks/PaperNetworks/). Two notes on the references:

* dnn-mode-connectivity's `VGGBase.forward` zips the BN variant's [conv, bn, conv, bn, ...] list with
  the block's ReLUs and so skips its later convolutions; `VGG16BN` here (and the engine's `vgg16bn`) runs
  every convolution, BN and ReLU, as torchvision's VGG16-BN does.
* `WideResNet28x10`'s dropout rate is the reference's default, 0.
"""
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["VGG16", "VGG16BN", "PreResNet110", "PreResNet164", "WideResNet28x10", "ResNet32", "PAPER_NETWORKS"]

VGG16_BLOCKS = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]


class _VGG(nn.Module):
    def __init__(self, batch_norm, input_shape=(3, 32, 32), classes=10, width=1):
        super().__init__()
        self.batch_norm = batch_norm
        channels = input_shape[0]
        # One ModuleList per block: conv (and its BN right after it, with batch_norm).
        self.layer_blocks = nn.ModuleList()
        for block in VGG16_BLOCKS:
            layers = nn.ModuleList()
            for out in block:
                layers.append(nn.Conv2d(channels, out * width, 3, padding=1))
                if batch_norm:
                    layers.append(nn.BatchNorm2d(out * width))
                channels = out * width
            self.layer_blocks.append(layers)
        hidden = 512 * width
        self.classifier = nn.Sequential(nn.Dropout(), nn.Linear(channels, hidden), nn.ReLU(), nn.Dropout(),
                                        nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, classes))

    def forward(self, x):
        for block in self.layer_blocks:
            for layer in block:
                x = layer(x)
                if isinstance(layer, nn.BatchNorm2d if self.batch_norm else nn.Conv2d):
                    x = F.relu(x)
            x = F.max_pool2d(x, 2)
        return self.classifier(x.flatten(1))


class VGG16(_VGG):
    def __init__(self, input_shape=(3, 32, 32), classes=10, width=1):
        super().__init__(False, input_shape, classes, width)


class VGG16BN(_VGG):
    def __init__(self, input_shape=(3, 32, 32), classes=10, width=1):
        super().__init__(True, input_shape, classes, width)


class _Bottleneck(nn.Module):
    """Pre-activation bottleneck: bn1-relu-conv1(1x1) -> bn2-relu-conv2(3x3, stride) -> bn3-relu-conv3(1x1, 4x),
    plus the input, or `downsample` (a 1x1 strided conv) of the input as it came."""

    def __init__(self, cin, planes, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, 4 * planes, 1, bias=False)
        self.downsample = None
        if stride != 1 or cin != 4 * planes:
            self.downsample = nn.Sequential(nn.Conv2d(cin, 4 * planes, 1, stride=stride, bias=False))

    def forward(self, x):
        out = self.conv1(F.relu(self.bn1(x)))
        out = self.conv2(F.relu(self.bn2(out)))
        out = self.conv3(F.relu(self.bn3(out)))
        return out + (x if self.downsample is None else self.downsample(x))


class _PreResNetBottleneck(nn.Module):
    def __init__(self, depth, input_shape=(3, 32, 32), classes=10, width=1):
        super().__init__()
        n = (depth - 2) // 9
        channels = 16 * width
        self.conv1 = nn.Conv2d(input_shape[0], channels, 3, padding=1, bias=False)
        for stage in range(3):
            planes = (16 << stage) * width
            blocks = []
            for i in range(n):
                blocks.append(_Bottleneck(channels, planes, 2 if stage > 0 and i == 0 else 1))
                channels = 4 * planes
            setattr(self, f"layer{stage + 1}", nn.Sequential(*blocks))
        self.bn = nn.BatchNorm2d(channels)
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.conv1(x))))
        return self.fc(F.avg_pool2d(F.relu(self.bn(x)), 8).flatten(1))


class PreResNet110(_PreResNetBottleneck):
    def __init__(self, input_shape=(3, 32, 32), classes=10, width=1):
        super().__init__(110, input_shape, classes, width)


class PreResNet164(_PreResNetBottleneck):
    def __init__(self, input_shape=(3, 32, 32), classes=10, width=1):
        super().__init__(164, input_shape, classes, width)


class _WideBlock(nn.Module):
    """bn1-relu-conv1 -> dropout -> bn2-relu-conv2(stride), plus the input or `shortcut` (1x1 strided conv)."""

    def __init__(self, cin, planes, stride, dropout):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, planes, 3, padding=1)
        self.dropout = nn.Dropout(dropout)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, planes, 1, stride=stride))

    def forward(self, x):
        out = self.dropout(self.conv1(F.relu(self.bn1(x))))
        return self.conv2(F.relu(self.bn2(out))) + self.shortcut(x)


class WideResNet28x10(nn.Module):
    def __init__(self, input_shape=(3, 32, 32), classes=10, width=1, dropout=0.0):
        super().__init__()
        channels = 16 * width
        self.conv1 = nn.Conv2d(input_shape[0], channels, 3, padding=1)
        for stage in range(3):
            planes = (16 << stage) * 10 * width
            blocks = []
            for i in range(4):
                blocks.append(_WideBlock(channels, planes, 2 if stage > 0 and i == 0 else 1, dropout))
                channels = planes
            setattr(self, f"layer{stage + 1}", nn.Sequential(*blocks))
        self.bn1 = nn.BatchNorm2d(channels, momentum=0.9)
        self.linear = nn.Linear(channels, classes)

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.conv1(x))))
        return self.linear(F.avg_pool2d(F.relu(self.bn1(x)), 8).flatten(1))


class _BasicBlock(nn.Module):
    """Post-activation: conv1(stride)-bn1-relu -> conv2-bn2, plus the input or `downsample` (1x1 conv + BN); relu."""

    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or cin != planes:
            self.downsample = nn.Sequential(nn.Conv2d(cin, planes, 1, stride=stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))


class ResNet32(nn.Module):
    def __init__(self, input_shape=(3, 32, 32), classes=10, width=1):
        super().__init__()
        channels = 16 * width
        self.layers = nn.ModuleList([nn.Sequential(nn.Conv2d(input_shape[0], channels, 3, padding=1, bias=False),
                                                   nn.BatchNorm2d(channels), nn.ReLU())])
        for stage in range(3):
            planes = (16 << stage) * width
            blocks = nn.ModuleList()
            for i in range(5):
                blocks.append(_BasicBlock(channels, planes, 2 if stage > 0 and i == 0 else 1))
                channels = planes
            self.layers.append(blocks)
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        x = self.layers[0](x)
        for blocks in self.layers[1:]:
            for block in blocks:
                x = block(x)
        return self.fc(x.mean(dim=(2, 3)))


PAPER_NETWORKS = {"vgg16": VGG16, "vgg16bn": VGG16BN, "preresnet110": PreResNet110, "preresnet164": PreResNet164,
                  "wideresnet28x10": WideResNet28x10, "resnet32": ResNet32}
