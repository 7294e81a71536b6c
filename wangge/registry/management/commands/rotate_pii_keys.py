from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.registry.rotation import ColumnReport, RotationReport, pii_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every personal-data token (ID number, phone, address) that is not under "
        "the keyring's current key, so an old key can be retired. Steps: add the new key to "
        "the key file (settings.WANGGE_PII_KEYS_FILE) and make it 'current', restart every "
        "process that writes personal data, run this with --commit, and remove the old key "
        "only once a run reports nothing left and nothing unreadable. Dry (counts what would "
        "change) unless --commit. One transaction per batch: an interrupted run just "
        "continues next time. Tokens whose key id is not in the keyring are left untouched "
        "and make the command fail at the end. Blind indexes (*_index) are NOT touched: they "
        "use the separate index key, and changing that key needs a full re-index of every "
        "*_index column from the decrypted values, not this command."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commit", action="store_true", help="write to the database")
        parser.add_argument(
            "--batch",
            type=int,
            default=2000,
            metavar="N",
            help="rows per batch and transaction (default 2000)",
        )

    def handle(self, *args: Any, commit: bool, batch: int, **options: Any) -> None:
        if batch < 1:
            raise CommandError(f"--batch 必须是正整数,收到 {batch}")
        tty = self.stderr.isatty()

        def progress(column: ColumnReport) -> None:
            verb = "已重新加密" if commit else "待重新加密"
            line = f"{column.label}:第 {column.batches:,} 批,{verb} {column.rotated:,} 条"
            if column.unreadable:
                line += f",无法解密 {column.unreadable:,} 条"
            if tty:
                self.stderr.write(f"\r{line}", ending="")
                self.stderr.flush()
            else:
                self.stderr.write(line)

        report = pii_rotate(batch_size=batch, commit=commit, progress=progress)
        if tty and any(c.batches for c in report.columns):
            self.stderr.write("")
        self._summary(report)
        if report.unreadable:
            raise CommandError(_unreadable_message(report))
        if not commit:
            self.stdout.write(self.style.WARNING("试运行:未写入数据库。加上 --commit 才会写入。"))
            return
        self.stdout.write(self.style.SUCCESS(f"密钥轮换完成(用时 {report.elapsed:.1f} 秒)"))

    def _summary(self, report: RotationReport) -> None:
        self.stdout.write(f"当前密钥:{report.current}")
        verb = "已重新加密" if report.commit else "待重新加密"
        for column in report.columns:
            line = f"{column.label}:{verb} {column.rotated:,} 条"
            if column.unreadable:
                line += f";无法解密 {column.unreadable:,} 条(未改动)"
            self.stdout.write(line)
        done = report.commit or report.rotated == 0
        if done and not report.unreadable:
            if report.other_key_ids:
                self.stdout.write(
                    f"已没有使用其他密钥的密文:旧密钥 {'、'.join(report.other_key_ids)} "
                    "可以从密钥文件中移除(请先确认所有服务已重启并使用新密钥)。"
                )
            else:
                self.stdout.write("所有密文均使用当前密钥。")


def _unreadable_message(report: RotationReport) -> str:
    parts = [
        f"密钥 {key_id}(密钥文件中没有){count:,} 条"
        for key_id, count in sorted(report.unknown_key_ids.items())
    ]
    if report.damaged:
        parts.append(f"校验失败或格式错误 {report.damaged:,} 条")
    hint = (
        "请把缺少的密钥加回密钥文件后再运行;在此之前不要删除任何旧密钥。"
        if report.unknown_key_ids
        else "这些密文已损坏或被改动,请从原始资料重新录入。"
    )
    saved = "其余密文已重新加密。" if report.commit else ""
    return f"有 {report.unreadable:,} 条个人信息无法解密,未改动:{';'.join(parts)}。{saved}{hint}"
