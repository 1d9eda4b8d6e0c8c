"""Transformer classifier of a task's ACTION TYPES (ANNOTATION §5), and a small BERT pretrained here.

Two pieces, both offline (``HF_HUB_OFFLINE=1``, ``local_files_only=True``; nothing is ever
downloaded, and a name that is not a local folder is refused):

* :func:`pretrain_mlm` trains a WordPiece vocabulary with the ``tokenizers`` library on
  corpus text and pretrains a small BERT (masked language model) on it; the result is an
  ordinary Hugging Face checkpoint folder.
* :class:`ActionClassifier` fine-tunes any local Hugging Face encoder checkpoint (the BERT
  above, or a user's PhoBERT / XLM-R folder) to predict a task's action types: one sigmoid
  per label for the label set and a separate softmax head for the main (first) action.

``torch``, ``transformers`` and ``tokenizers`` are imported inside the functions, so
``import pipeline`` works without them; install the ``bert`` extra to use this module.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from pipeline.models import ACTION_TYPES

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
SETTINGS_FILE = "action_classifier.json"
WEIGHTS_FILE = "action_classifier.safetensors"
STATS_FILE = "pretrain_stats.json"
_LETTER = re.compile(r"[^\W\d_]")


def _offline() -> None:
    """Forbid every hub access before transformers / huggingface_hub are imported."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _local_dir(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(
            f"{path}: not a local folder. nhiemvu never downloads models: give the path of a Hugging Face "
            "checkpoint folder (config.json, weights, tokenizer files) on this machine")
    return path


def seed_everything(seed: int) -> None:
    """Seed python, numpy and torch (CPU)."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def device_name(device: str) -> str:
    """What ran the job: "cpu", or the GPU's name."""
    import torch

    if str(device).startswith("cuda") and torch.cuda.is_available():
        return torch.cuda.get_device_name(torch.device(device))
    return str(device)


def resolve_device(device: str = "auto") -> str:
    """``"auto"`` -> ``"cuda"`` when a GPU is visible, else ``"cpu"``; any other value unchanged."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


# -- corpus text -------------------------------------------------------------------


def clean_lines(text: str) -> list[str]:
    """NFC lines of a corpus file, white space folded; lines without a letter (page numbers) dropped."""
    out = []
    for line in unicodedata.normalize("NFC", text).splitlines():
        line = re.sub(r"\s+", " ", line.replace("*", "")).strip()
        if line and _LETTER.search(line):
            out.append(line)
    return out


def corpus_files(corpus_paths: Iterable[str | Path]) -> list[Path]:
    """The ``.txt`` files under the given files or folders (recursive, sorted)."""
    files: list[Path] = []
    for p in corpus_paths:
        p = Path(p)
        files.extend(sorted(p.rglob("*.txt")) if p.is_dir() else [p])
    return files


def load_corpus(corpus_paths: Iterable[str | Path], exclude_files: Iterable[str | Path] = (),
                exclude_texts: Iterable[str] = (), min_line_chars: int = 25,
                max_overlap: float = 0.3) -> tuple[list[list[str]], dict[str, Any]]:
    """Documents (lists of clean lines) for pretraining, with held-out text removed.

    ``exclude_files`` are skipped whole. ``exclude_texts`` (the dev and test documents) are
    removed line by line: every line of at least ``min_line_chars`` characters that also occurs
    in one of them is dropped, and a file that shares more than ``max_overlap`` of its long
    lines with them (another copy or version of a held-out document) is skipped whole.
    Returns the documents and a summary of what was dropped.
    """
    skip = {Path(f).resolve() for f in exclude_files}
    held = {line.lower() for t in exclude_texts for line in clean_lines(t) if len(line) >= min_line_chars}
    docs, stats = [], {"files": 0, "excluded_files": [], "near_duplicate_files": [], "dropped_lines": 0,
                       "lines": 0, "chars": 0}
    for f in corpus_files(corpus_paths):
        if f.resolve() in skip:
            stats["excluded_files"].append(str(f))
            continue
        lines = clean_lines(f.read_text(encoding="utf-8", errors="replace"))
        long = [ln for ln in lines if len(ln) >= min_line_chars]
        shared = sum(ln.lower() in held for ln in long)
        if long and shared / len(long) > max_overlap:
            stats["near_duplicate_files"].append(str(f))
            continue
        kept = [ln for ln in lines if not (len(ln) >= min_line_chars and ln.lower() in held)]
        stats["dropped_lines"] += len(lines) - len(kept)
        if kept:
            docs.append(kept)
            stats["files"] += 1
            stats["lines"] += len(kept)
            stats["chars"] += sum(len(ln) + 1 for ln in kept)
    return docs, stats


# -- tokenizer ---------------------------------------------------------------------


def train_wordpiece(texts: Iterable[str], out_dir: str | Path, vocab_size: int = 8000, min_frequency: int = 2,
                    lowercase: bool = True):
    """Train a WordPiece vocabulary (``tokenizers``) and save it as a Hugging Face fast tokenizer.

    Normalisation is NFC then lower case; Vietnamese diacritics are kept (no accent stripping).
    Returns the ``PreTrainedTokenizerFast``.
    """
    _offline()
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.Sequence([
        normalizers.NFC(),
        normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False,
                                   lowercase=lowercase),
    ])
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix="##")
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, min_frequency=min_frequency,
                                        special_tokens=SPECIAL_TOKENS, limit_alphabet=500,
                                        continuing_subword_prefix="##", show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]",
                                   model_max_length=512)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(out)
    return fast


# -- masked-LM pretraining -----------------------------------------------------------


def _mask_tokens(input_ids, special_mask, vocab_size: int, probability: float, generator):
    """BERT masking: ``probability`` of the ordinary tokens are predicted; 80 % -> [MASK], 10 % random, 10 % kept."""
    import torch

    labels = input_ids.clone()
    chosen = (torch.rand(input_ids.shape, generator=generator) < probability) & ~special_mask
    labels[~chosen] = -100
    inputs = input_ids.clone()
    roll = torch.rand(input_ids.shape, generator=generator)
    inputs[chosen & (roll < 0.8)] = SPECIAL_TOKENS.index("[MASK]")
    rand = chosen & (roll >= 0.8) & (roll < 0.9)
    inputs[rand] = torch.randint(len(SPECIAL_TOKENS), vocab_size, input_ids.shape, generator=generator)[rand]
    return inputs, labels


def _mlm_loss(model, inputs, labels):
    """Masked-LM loss with the output layer applied to the masked positions only (a third of the cost saved)."""
    import torch

    hidden = model.bert(input_ids=inputs).last_hidden_state
    picked = labels != -100
    logits = model.cls(hidden[picked])
    target = labels[picked]
    loss = torch.nn.functional.cross_entropy(logits, target)
    correct = (logits.argmax(-1) == target).sum().item()
    return loss, correct, int(target.numel())


def pretrain_mlm(corpus_paths: Iterable[str | Path], out_dir: str | Path, *, exclude_files: Iterable[str | Path] = (),
                 exclude_texts: Iterable[str] = (), vocab_size: int = 8000, hidden_size: int = 128,
                 num_layers: int = 4, num_heads: int = 2, intermediate_size: int | None = None, max_length: int = 128,
                 batch_size: int = 32, max_steps: int = 2000, learning_rate: float = 1e-3,
                 warmup_fraction: float = 0.06, weight_decay: float = 0.01, mlm_probability: float = 0.15,
                 validation_fraction: float = 0.02, time_budget_s: float | None = 600.0, seed: int = 13,
                 threads: int | None = None, log_every: int = 100, device: str = "cpu",
                 log=print) -> dict[str, Any]:
    """Pretrain a small BERT (masked LM) with a WordPiece vocabulary trained on the same text.

    ``corpus_paths`` are ``.txt`` files or folders; ``exclude_files`` / ``exclude_texts`` keep the
    held-out documents out (see :func:`load_corpus`). Lines are packed into blocks of
    ``max_length`` tokens (``[CLS] ... [SEP]``, documents separated by ``[SEP]``); a
    ``validation_fraction`` of the blocks is held out for the final masked-token loss and accuracy.
    Training runs ``max_steps`` AdamW steps with linear warm-up and decay of the learning rate
    over the *progress* of training, the larger of ``step / max_steps`` and the fraction of the
    wall-time budget spent: with ``time_budget_s`` set, the whole run (vocabulary and data
    included) ends within the budget with a fully decayed learning rate, taking fewer steps on a
    slower or busier machine (``time_bound`` in the statistics says so); ``time_budget_s=None``
    makes the run exactly reproducible. ``out_dir`` receives an ordinary Hugging Face
    checkpoint (``BertForMaskedLM`` weights, config, tokenizer) and ``pretrain_stats.json``;
    the same statistics are returned. ``device`` is a torch device ("cpu", "cuda"); the masks are
    drawn on the CPU, so a seed gives the same batches on any device.
    """
    _offline()
    import torch
    from transformers import BertConfig, BertForMaskedLM

    started = time.perf_counter()
    if threads:
        torch.set_num_threads(threads)
    seed_everything(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    docs, corpus_stats = load_corpus(corpus_paths, exclude_files, exclude_texts)
    if not docs:
        raise ValueError("no pretraining text left")
    tokenizer = train_wordpiece((line for d in docs for line in d), out, vocab_size=vocab_size)
    t_vocab = time.perf_counter() - started

    sep = tokenizer.sep_token_id
    stream: list[int] = []
    for d in docs:
        for i in range(0, len(d), 256):
            for enc in tokenizer.backend_tokenizer.encode_batch(d[i:i + 256], add_special_tokens=False):
                stream.extend(enc.ids)
        stream.append(sep)
    body = max_length - 2
    blocks = [[tokenizer.cls_token_id, *stream[i:i + body], sep] for i in range(0, len(stream) - body + 1, body)]
    rng = random.Random(seed)
    rng.shuffle(blocks)
    n_val = max(1, int(len(blocks) * validation_fraction))
    val, train = torch.tensor(blocks[:n_val]), torch.tensor(blocks[n_val:])
    t_data = time.perf_counter() - started
    log(f"pretraining text: {corpus_stats['files']} files, {corpus_stats['chars']:,} characters, "
        f"{len(stream):,} tokens, {len(train):,} train / {len(val):,} validation blocks of {max_length}")

    config = BertConfig(vocab_size=len(tokenizer), hidden_size=hidden_size, num_hidden_layers=num_layers,
                        num_attention_heads=num_heads, intermediate_size=intermediate_size or 4 * hidden_size,
                        max_position_embeddings=max(512, max_length), type_vocab_size=2,
                        pad_token_id=tokenizer.pad_token_id)
    model = BertForMaskedLM(config).to(device)
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "LayerNorm" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and "LayerNorm" not in n)]
    optim = torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                               {"params": no_decay, "weight_decay": 0.0}], lr=learning_rate, betas=(0.9, 0.98),
                              eps=1e-6)
    gen = torch.Generator().manual_seed(seed)
    special = torch.tensor(sorted(set(tokenizer.all_special_ids)))
    train_budget = None if time_budget_s is None else time_budget_s - (time.perf_counter() - started) - 15.0
    model.train()
    step, seen_tokens, curve, stopped_early, progress = 0, 0, [], False, 0.0
    t_train0 = time.perf_counter()
    order, pos = torch.randperm(len(train), generator=gen), 0
    run_loss, run_n = 0.0, 0
    while progress < 1.0:
        lr_scale = min(1.0, progress / warmup_fraction) if progress < warmup_fraction else \
            max(0.0, (1.0 - progress) / (1.0 - warmup_fraction))
        for group in optim.param_groups:
            group["lr"] = learning_rate * max(lr_scale, 1e-3)
        if pos + batch_size > len(order):
            order, pos = torch.randperm(len(train), generator=gen), 0
        batch = train[order[pos:pos + batch_size]]
        pos += batch_size
        inputs, labels = _mask_tokens(batch, torch.isin(batch, special), len(tokenizer), mlm_probability, gen)
        loss, _, _ = _mlm_loss(model, inputs.to(device), labels.to(device))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        optim.zero_grad(set_to_none=True)
        step += 1
        seen_tokens += int(batch.numel())
        run_loss, run_n = run_loss + loss.item(), run_n + 1
        elapsed = time.perf_counter() - t_train0
        progress = step / max_steps
        if train_budget is not None and elapsed / max(1.0, train_budget) > progress:
            progress, stopped_early = elapsed / max(1.0, train_budget), True
        if step % log_every == 0 or progress >= 1.0:
            curve.append({"step": step, "loss": round(run_loss / run_n, 4), "seconds": round(elapsed, 1)})
            log(f"  step {step}/{max_steps}  loss {run_loss / run_n:.3f}  {elapsed:.0f}s  progress {progress:.2f}")
            run_loss, run_n = 0.0, 0
    t_train = time.perf_counter() - t_train0

    model.eval()
    vgen = torch.Generator().manual_seed(seed + 1)
    total_loss, correct, n = 0.0, 0, 0
    with torch.no_grad():
        for i in range(0, len(val), 64):
            batch = val[i:i + 64]
            inputs, labels = _mask_tokens(batch, torch.isin(batch, special), len(tokenizer), mlm_probability, vgen)
            loss, c, k = _mlm_loss(model, inputs.to(device), labels.to(device))
            total_loss, correct, n = total_loss + loss.item() * k, correct + c, n + k
    model.cpu().save_pretrained(out)
    tokenizer.save_pretrained(out)
    stats = {
        "corpus": corpus_stats, "tokens": len(stream), "train_blocks": len(train), "validation_blocks": len(val),
        "vocab_size": len(tokenizer), "parameters": sum(p.numel() for p in model.parameters()),
        "config": {"hidden_size": hidden_size, "num_layers": num_layers, "num_heads": num_heads,
                   "intermediate_size": config.intermediate_size, "max_length": max_length,
                   "batch_size": batch_size, "max_steps": max_steps, "learning_rate": learning_rate,
                   "warmup_fraction": warmup_fraction, "mlm_probability": mlm_probability, "seed": seed},
        "steps": step, "time_bound": stopped_early, "tokens_seen": seen_tokens,
        "epochs": round(seen_tokens / max(1, len(train) * max_length), 3),
        "validation_loss": round(total_loss / max(1, n), 4),
        "validation_perplexity": round(math.exp(min(50.0, total_loss / max(1, n))), 2),
        "validation_masked_accuracy": round(correct / max(1, n), 4),
        "seconds": {"vocabulary": round(t_vocab, 1), "data": round(t_data - t_vocab, 1), "training": round(t_train, 1),
                    "total": round(time.perf_counter() - started, 1)},
        "threads": torch.get_num_threads(), "device": device_name(device), "curve": curve,
    }
    (out / STATS_FILE).write_text(json.dumps(stats, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return stats


# -- metrics -----------------------------------------------------------------------


def score_label_lists(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]],
                      labels: Sequence[str] = ACTION_TYPES) -> dict[str, float]:
    """Micro-F1 and macro-F1 of the label sets, and accuracy of the main (first) label.

    Macro-F1 averages the per-label F1 over the labels that occur in the gold or in the
    predictions of this set (a label absent from both has no defined F1 and is left out).
    """
    tp = dict.fromkeys(labels, 0)
    fp, fn = dict(tp), dict(tp)
    main = 0
    for g, p in zip(gold, pred, strict=True):
        gs, ps = set(g), set(p)
        for lab in labels:
            tp[lab] += lab in gs and lab in ps
            fp[lab] += lab in ps and lab not in gs
            fn[lab] += lab in gs and lab not in ps
        main += bool(g) and bool(p) and g[0] == p[0]

    def f1(t: int, a: int, b: int) -> float:
        return 2 * t / (2 * t + a + b) if t + a + b else 0.0

    used = [lab for lab in labels if tp[lab] + fp[lab] + fn[lab]]
    return {
        "micro_f1": f1(sum(tp.values()), sum(fp.values()), sum(fn.values())),
        "macro_f1": sum(f1(tp[lab], fp[lab], fn[lab]) for lab in used) / len(used) if used else 0.0,
        "main_accuracy": main / len(gold) if gold else 0.0,
        "n": len(gold),
    }


# -- the classifier ------------------------------------------------------------------


@dataclass
class FineTuneSettings:
    """Fine-tuning settings, saved with the model."""

    max_length: int = 128
    epochs: int = 30
    batch_size: int = 16
    learning_rate: float = 3e-4
    head_learning_rate: float = 1e-3
    weight_decay: float = 0.01
    warmup_fraction: float = 0.1
    dropout: float = 0.1
    threshold: float = 0.5
    patience: int = 6
    select_on: str = "micro_f1"
    seed: int = 0
    segment_words: bool = False
    labels: list[str] = field(default_factory=lambda: list(ACTION_TYPES))


def _build_net(encoder, n_labels: int, dropout: float):
    import torch
    from torch import nn

    class ActionNet(nn.Module):
        """Encoder -> [CLS] and mean of the tokens -> a sigmoid per label and a softmax for the main action."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            size = 2 * encoder.config.hidden_size
            self.dropout = nn.Dropout(dropout)
            self.labels = nn.Linear(size, n_labels)
            self.main = nn.Linear(size, n_labels)

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            pooled = self.dropout(torch.cat([hidden[:, 0], mean], dim=-1))
            return self.labels(pooled), self.main(pooled)

    return ActionNet()


class ActionClassifier:
    """Multi-label action-type classifier of task texts on top of a local Hugging Face encoder.

    >>> clf = ActionClassifier.from_pretrained("models/bert-mini/pretrained")    # or a PhoBERT folder
    >>> clf.fit(train_texts, train_labels, dev_texts, dev_labels)              # early stop on dev
    >>> clf.predict(["Sở Công Thương chủ trì, phối hợp rà soát ..."])
    [['review', 'coordinate']]

    ``predict`` gives, per text, the main action (argmax of the softmax head) first, then the
    other labels whose sigmoid reaches ``threshold`` by decreasing probability. The main action
    is always part of the set, so no task gets an empty set.
    """

    def __init__(self, net, tokenizer, settings: FineTuneSettings, source: str | None = None) -> None:
        self.net = net
        self.tokenizer = tokenizer
        self.settings = settings
        self.source = source
        self.history: list[dict[str, Any]] = []
        self.device = "cpu"

    def to(self, device: str) -> ActionClassifier:
        """Move the network to a torch device ("cpu", "cuda"); returns ``self``."""
        self.net.to(device)
        self.device = device
        return self

    # construction ---------------------------------------------------------------
    @classmethod
    def from_pretrained(cls, local_dir: str | Path, *, random_init: bool = False, **settings: Any) -> ActionClassifier:
        """Heads on a local encoder checkpoint (any ``AutoModel``: BERT, RoBERTa/PhoBERT, XLM-R ...).

        ``random_init=True`` keeps the architecture and tokenizer but not the weights (the
        no-pretraining baseline). PhoBERT was pretrained on word-segmented text: pass
        ``segment_words=True`` to join the syllables of a word with "_" (underthesea) first.
        """
        _offline()
        import torch
        from transformers import AutoConfig, AutoModel, AutoTokenizer

        path = _local_dir(local_dir)
        conf = FineTuneSettings(**settings)
        seed_everything(conf.seed)
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        if random_init:
            encoder = AutoModel.from_config(AutoConfig.from_pretrained(path, local_files_only=True))
        else:
            # float32 whatever the checkpoint stores (transformers' default "auto" would keep float16)
            encoder = AutoModel.from_pretrained(path, local_files_only=True, dtype=torch.float32)
        torch.manual_seed(conf.seed)
        net = _build_net(encoder, len(conf.labels), conf.dropout)
        return cls(net, tokenizer, conf, source=str(path))

    @classmethod
    def load(cls, path: str | Path) -> ActionClassifier:
        """A classifier saved by :meth:`save`."""
        _offline()
        from safetensors.torch import load_file
        from transformers import AutoConfig, AutoModel, AutoTokenizer

        path = _local_dir(path)
        meta = json.loads((path / SETTINGS_FILE).read_text(encoding="utf-8"))
        known = {f.name for f in fields(FineTuneSettings)}
        conf = FineTuneSettings(**{k: v for k, v in meta["settings"].items() if k in known})
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        encoder = AutoModel.from_config(AutoConfig.from_pretrained(path, local_files_only=True))
        net = _build_net(encoder, len(conf.labels), conf.dropout)
        state = load_file(str(path / WEIGHTS_FILE))
        net.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
        clf = cls(net, tokenizer, conf, source=meta.get("source"))
        clf.history = meta.get("history", [])
        net.eval()
        return clf

    def save(self, path: str | Path) -> None:
        """Write the tokenizer, the encoder config, all weights (safetensors) and the settings to ``path``.

        :meth:`load` computes in float32 whatever the file stores (``benchmarks/train_bert.py --half`` ships float16).
        """
        from safetensors.torch import save_file

        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        self.tokenizer.save_pretrained(out)
        self.net.encoder.config.save_pretrained(out)
        state = {k: v.detach().cpu().contiguous().clone() for k, v in self.net.state_dict().items()}
        save_file(state, str(out / WEIGHTS_FILE))
        meta = {"settings": asdict(self.settings), "source": self.source, "history": self.history,
                "parameters": self.parameters()}
        (out / SETTINGS_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def parameters(self) -> int:
        return sum(p.numel() for p in self.net.parameters())

    # data -------------------------------------------------------------------------
    def _prepare(self, texts: Sequence[str]) -> list[str]:
        texts = [unicodedata.normalize("NFC", t) for t in texts]
        if self.settings.segment_words:
            from underthesea import word_tokenize

            texts = [word_tokenize(t, format="text") for t in texts]
        return texts

    def _encode(self, texts: Sequence[str]) -> list[list[int]]:
        enc = self.tokenizer(self._prepare(texts), truncation=True, max_length=self.settings.max_length)
        return enc["input_ids"]

    def _batch(self, ids: list[list[int]]):
        import torch

        width = max(len(x) for x in ids)
        pad = self.tokenizer.pad_token_id or 0
        input_ids = torch.full((len(ids), width), pad, dtype=torch.long)
        mask = torch.zeros((len(ids), width), dtype=torch.long)
        for i, x in enumerate(ids):
            input_ids[i, :len(x)] = torch.tensor(x)
            mask[i, :len(x)] = 1
        return input_ids.to(self.device), mask.to(self.device)

    def _batches(self, ids: list[list[int]], gen):
        """Shuffled batches of similar lengths (less padding): shuffle, sort within windows of 8 batches."""
        import torch

        size = self.settings.batch_size
        order = torch.randperm(len(ids), generator=gen).tolist()
        batches = []
        for i in range(0, len(order), 8 * size):
            window = sorted(order[i:i + 8 * size], key=lambda k: len(ids[k]))
            batches.extend(torch.tensor(window[j:j + size]) for j in range(0, len(window), size))
        return [batches[k] for k in torch.randperm(len(batches), generator=gen).tolist()]

    # training -----------------------------------------------------------------------
    def fit(self, texts: Sequence[str], label_lists: Sequence[Sequence[str]],
            dev_texts: Sequence[str] | None = None, dev_label_lists: Sequence[Sequence[str]] | None = None,
            log=None) -> ActionClassifier:
        """Fine-tune on ``texts`` and their ordered label lists (first = main action).

        Loss: binary cross-entropy of the per-label sigmoids plus cross-entropy of the main-action
        softmax. AdamW with linear warm-up and decay over ``epochs``. With a dev set, the weights
        of the epoch with the best dev ``select_on`` score are kept and training stops after
        ``patience`` epochs without improvement; without one, all epochs run.
        """
        import torch

        conf = self.settings
        index = {lab: i for i, lab in enumerate(conf.labels)}
        seed_everything(conf.seed)
        ids = self._encode(texts)
        multi = torch.zeros((len(ids), len(index)))
        main = torch.zeros(len(ids), dtype=torch.long)
        for i, labs in enumerate(label_lists):
            if not labs:
                raise ValueError(f"example {i} has no label")
            for lab in labs:
                multi[i, index[lab]] = 1.0
            main[i] = index[labs[0]]
        head = [p for n, p in self.net.named_parameters() if not n.startswith("encoder.")]
        body = [p for n, p in self.net.named_parameters() if n.startswith("encoder.")]
        optim = torch.optim.AdamW([{"params": body, "lr": conf.learning_rate},
                                   {"params": head, "lr": conf.head_learning_rate}], weight_decay=conf.weight_decay)
        steps = conf.epochs * math.ceil(len(ids) / conf.batch_size)
        warmup = max(1, int(steps * conf.warmup_fraction))
        sched = torch.optim.lr_scheduler.LambdaLR(
            optim, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup))))
        gen = torch.Generator().manual_seed(conf.seed)
        bce, ce = torch.nn.BCEWithLogitsLoss(), torch.nn.CrossEntropyLoss()
        best, best_state, since = -1.0, None, 0
        self.history = []
        for epoch in range(1, conf.epochs + 1):
            self.net.train()
            started, total = time.perf_counter(), 0.0
            for batch in self._batches(ids, gen):
                input_ids, mask = self._batch([ids[i] for i in batch.tolist()])
                logits, main_logits = self.net(input_ids, mask)
                loss = bce(logits, multi[batch].to(self.device)) + ce(main_logits, main[batch].to(self.device))
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.net.parameters(), 1.0)
                optim.step()
                sched.step()
                optim.zero_grad(set_to_none=True)
                total += loss.item() * len(batch)
            row: dict[str, Any] = {"epoch": epoch, "loss": round(total / len(ids), 4),
                                   "seconds": round(time.perf_counter() - started, 1)}
            if dev_texts is not None and dev_label_lists is not None:
                scores = score_label_lists(dev_label_lists, self.predict(dev_texts), conf.labels)
                row.update({f"dev_{k}": round(v, 4) for k, v in scores.items() if k != "n"})
                if scores[conf.select_on] > best:
                    best, since = scores[conf.select_on], 0
                    best_state = {k: v.detach().cpu().clone() for k, v in self.net.state_dict().items()}
                    row["best"] = True
                else:
                    since += 1
            self.history.append(row)
            if log:
                log(row)
            if best_state is not None and since >= conf.patience:
                break
        if best_state is not None:
            self.net.load_state_dict(best_state)
        self.net.eval()
        return self

    # prediction -----------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], batch_size: int = 64):
        """Per text: the sigmoid of every label and the softmax of the main action (two numpy arrays)."""
        import numpy as np
        import torch

        self.net.eval()
        ids = self._encode(texts)
        multi, main = [], []
        with torch.no_grad():
            for i in range(0, len(ids), batch_size):
                input_ids, mask = self._batch(ids[i:i + batch_size])
                logits, main_logits = self.net(input_ids, mask)
                multi.append(torch.sigmoid(logits).cpu().numpy())
                main.append(torch.softmax(main_logits, -1).cpu().numpy())
        n = len(self.settings.labels)
        return (np.concatenate(multi) if multi else np.zeros((0, n)),
                np.concatenate(main) if main else np.zeros((0, n)))

    def predict(self, texts: Sequence[str]) -> list[list[str]]:
        """Ordered label lists: the main action first, then the other labels over the threshold."""
        labels = self.settings.labels
        multi, main = self.predict_proba(texts)
        out = []
        for p, q in zip(multi, main, strict=True):
            first = int(q.argmax())
            rest = sorted((i for i in range(len(labels)) if p[i] >= self.settings.threshold and i != first),
                          key=lambda i: -p[i])
            out.append([labels[first]] + [labels[i] for i in rest])
        return out

