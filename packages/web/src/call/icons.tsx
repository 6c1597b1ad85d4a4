import { LineIcon } from '../components/LineIcon';

function Icon({ d, off }: { d: string; off?: boolean }) {
  return (
    <LineIcon className="call-icon" d={d}>
      {off ? <path d="M3 3l14 14" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" /> : null}
    </LineIcon>
  );
}

export const MicIcon = ({ off }: { off?: boolean }) => (
  <Icon
    d="M10 2.5a2.5 2.5 0 012.5 2.5v5a2.5 2.5 0 01-5 0V5A2.5 2.5 0 0110 2.5zM5 9.5a5 5 0 0010 0M10 14.5v3"
    off={off}
  />
);
export const CameraIcon = ({ off }: { off?: boolean }) => <Icon d="M2.5 6h10v8h-10zM12.5 9l5-3v8l-5-3" off={off} />;
export const ScreenIcon = () => <Icon d="M2.5 3.5h15v10h-15zM7 17h6M10 13.5V17" />;
export const ChatIcon = () => <Icon d="M3 4h14v9H8l-4 3v-3H3z" />;
export const ShieldIcon = () => <Icon d="M10 2l6 3v5c0 4-3 7-6 8-3-1-6-4-6-8V5zM7.5 10l2 2 3.5-4" />;
export const PeopleIcon = () => (
  <Icon d="M7 9a3 3 0 100-6 3 3 0 000 6zM2 17c0-3 2.2-5 5-5s5 2 5 5M13 4a3 3 0 010 5.5M14.5 12c2 .5 3.5 2.3 3.5 5" />
);
export const LeaveIcon = () => <Icon d="M8 4H4v12h4M12 6l4 4-4 4M16 10H8" />;
export const HandIcon = () => (
  <Icon d="M7 10V4.5a1.2 1.2 0 012.4 0V9M9.4 9V3.5a1.2 1.2 0 012.4 0V9M11.8 9V4.5a1.2 1.2 0 012.4 0V11c0 3.5-2 6-5 6-2 0-3.2-1-4.3-2.7L3 11.5a1.2 1.2 0 012-1.3L7 12" />
);
/** Speech bubbles in two directions: interpretation. */
export const LanguageIcon = () => <Icon d="M2.5 3.5h8v6h-4l-3 2.5v-2.5h-1zM9.5 12.5v1h4l3 2.5v-2.5h1v-6h-4" />;
export const QueueIcon = () => <Icon d="M3 5h2M8 5h9M3 10h2M8 10h9M3 15h2M8 15h9" />;
