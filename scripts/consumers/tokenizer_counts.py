"""Reference token counts from Hugging Face `tokenizers`, for Loom's BPETokenCounter (token budgets).

    python tokenizer_counts.py TEXTS.json OUT_DIR

Trains four small BPE tokenizers offline on a fixed corpus, one per family whose tokenizer.json Loom reads:
  gpt2      ByteLevel pre-tokenizer with GPT-2's split pattern
  llama3    Split on the LLaMA-3 / Qwen2 pattern, then ByteLevel without its own pattern
  llama2    normalizers Prepend("▁") + Replace(" ", "▁"), no pre-tokenizer, byte fallback (LLaMA-2, Vicuna)
  metaspace Metaspace pre-tokenizer (SentencePiece-style BPE)
saves each as OUT_DIR/NAME.json, and writes OUT_DIR/counts.json: {NAME: [token count of each text]} for the
texts in TEXTS.json (a JSON list of strings), without special tokens.
"""
import json
import os
import sys

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

LLAMA3_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

CORPUS = [
    "How many red cubes are there in the image? There are 3 red cubes.",
    "Is the large sphere to the left of the small cylinder? Answer yes or no.",
    "Describe the scene in detail. A blue metal sphere sits behind a green rubber cube.",
    "What changed between image 1 and image 2? A yellow cylinder was added on the right.",
    "Which image shows a purple cone? Image 3 shows it, next to the brown box.",
    "Read the text on the sign: 'STOP', then count the letters: 4.",
    "Les objets rouges sont à gauche; die Kugel ist grün; el cubo es azul.",
    "画像の中に赤い立方体はいくつありますか？ 三つあります。图片里有两个球。",
    "Numbers 12345, 3.14159 and 2026-11-22 appear; emoji 🙂 too.",
] * 20


def train(name):
    if name in ("gpt2", "llama3"):
        tokenizer = Tokenizer(models.BPE())
        if name == "gpt2":
            tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
        else:
            tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
                pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
            ])
        tokenizer.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(vocab_size=600, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    elif name == "llama2":
        tokenizer = Tokenizer(models.BPE(byte_fallback=True, unk_token="<unk>"))
        tokenizer.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
        trainer = trainers.BpeTrainer(
            vocab_size=500, special_tokens=["<unk>"] + [f"<0x{b:02X}>" for b in range(256)], show_progress=False)
    else:
        tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
        trainer = trainers.BpeTrainer(vocab_size=500, special_tokens=["<unk>"], show_progress=False)
    tokenizer.train_from_iterator(CORPUS, trainer=trainer)
    return tokenizer


def main(argv):
    texts_file, out = argv
    with open(texts_file, encoding="utf-8") as handle:
        texts = json.load(handle)
    os.makedirs(out, exist_ok=True)
    counts = {}
    for name in ("gpt2", "llama3", "llama2", "metaspace"):
        tokenizer = train(name)
        tokenizer.save(os.path.join(out, name + ".json"))
        counts[name] = [len(tokenizer.encode(text, add_special_tokens=False).ids) for text in texts]
    with open(os.path.join(out, "counts.json"), "w", encoding="utf-8") as handle:
        json.dump(counts, handle)
    print(json.dumps({"ok": True, "tokenizers": len(counts), "texts": len(texts)}))


if __name__ == "__main__":
    main(sys.argv[1:])
