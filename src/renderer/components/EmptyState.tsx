interface Props {
  title: string;
  children: React.ReactNode;
}

/** What a screen shows while it has nothing to list: what appears here, and how it gets there. */
export function EmptyState({ title, children }: Props) {
  return (
    <div className="empty-state">
      <h2>{title}</h2>
      <p>{children}</p>
    </div>
  );
}
